#include "sync-server/http/waiting_room.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <string>
#include <vector>

namespace ws::server {
namespace {

// Plain HTTP only: the server cannot speak to a TLS client before its handshake.
std::string json_reply(const std::string& status_line, const std::string& extra_headers, const std::string& body) {
  return "HTTP/1.1 " + status_line + "\r\nContent-Type: application/json\r\nConnection: close\r\n" + extra_headers +
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}
const std::string kTooLargeReply =
    json_reply("431 Request Header Fields Too Large", "",
               R"({"error":{"code":"header_too_large","message":"the request header block is larger than allowed"}})");
const std::string kBusyReply =
    json_reply("503 Service Unavailable", "Retry-After: 1\r\n",
               R"({"error":{"code":"busy","message":"too many open connections; retry later"}})");

std::string peer_address(int fd) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return "";
  char text[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&addr)->sin_addr, text, sizeof text);
  } else if (addr.ss_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&addr)->sin6_addr, text, sizeof text);
  }
  return text;
}

void send_and_close(int fd, const std::string* reply) {
  if (reply != nullptr) {
    [[maybe_unused]] const ssize_t sent = send(fd, reply->data(), reply->size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  }
  close(fd);
}

}  // namespace

HeaderScan scan_header(std::string_view bytes, std::size_t max_header_bytes, bool tls) {
  if (tls) return bytes.empty() ? HeaderScan::incomplete : HeaderScan::complete;
  const auto end = bytes.find("\r\n\r\n");
  if (end != std::string_view::npos) {
    return end + 4 <= max_header_bytes ? HeaderScan::complete : HeaderScan::too_large;
  }
  return bytes.size() >= max_header_bytes ? HeaderScan::too_large : HeaderScan::incomplete;
}

bool ConnectionLimits::admit(const std::string& address) {
  std::lock_guard lock(mutex_);
  if (total_ >= max_total_) return false;
  int& n = per_address_[address];
  if (n >= max_per_address_) return false;
  ++n;
  ++total_;
  return true;
}

void ConnectionLimits::release(const std::string& address) {
  std::lock_guard lock(mutex_);
  auto it = per_address_.find(address);
  if (it == per_address_.end()) return;
  if (--it->second <= 0) per_address_.erase(it);
  --total_;
}

int ConnectionLimits::total() const {
  std::lock_guard lock(mutex_);
  return total_;
}

WaitingRoom::WaitingRoom(WaitingRoomOptions options, HandOver hand_over)
    : options_(options),
      hand_over_(std::move(hand_over)),
      limits_(options.max_per_address, options.max_connections),
      epoll_fd_(epoll_create1(EPOLL_CLOEXEC)),
      wake_fd_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = wake_fd_;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev);
  thread_ = std::thread([this] { run(); });
}

WaitingRoom::~WaitingRoom() {
  stop();
  close(wake_fd_);
  close(epoll_fd_);
}

void WaitingRoom::admit(int fd) {
  const std::string address = peer_address(fd);
  if (stopping_.load() || !limits_.admit(address)) {
    send_and_close(fd, options_.tls ? nullptr : &kBusyReply);
    return;
  }
  std::lock_guard lock(mutex_);
  guests_[fd] = Guest{address, std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.header_timeout_ms)};
  // Edge-triggered: a stalled client's unread bytes must not wake the thread again and again.
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLRDHUP | EPOLLET;
  ev.data.fd = fd;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
}

void WaitingRoom::stop() {
  if (stopping_.exchange(true)) return;
  const std::uint64_t one = 1;
  [[maybe_unused]] const ssize_t w = write(wake_fd_, &one, sizeof one);
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mutex_);
  for (const auto& [fd, guest] : guests_) {
    close(fd);
    limits_.release(guest.address);
  }
  guests_.clear();
}

void WaitingRoom::run() {
  std::vector<epoll_event> events(256);
  while (!stopping_.load()) {
    const int n = epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), 100);
    for (int i = 0; i < n; ++i) {
      if (events[static_cast<std::size_t>(i)].data.fd != wake_fd_) inspect(events[static_cast<std::size_t>(i)].data.fd);
    }
    expire_overdue();
  }
}

void WaitingRoom::inspect(int fd) {
  std::string peeked(options_.max_header_bytes + 1, '\0');
  const ssize_t n = recv(fd, peeked.data(), peeked.size(), MSG_PEEK | MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
  if (n <= 0) return close_guest(fd, nullptr);  // closed or failed before a whole header
  peeked.resize(static_cast<std::size_t>(n));
  const HeaderScan scan = scan_header(peeked, options_.max_header_bytes, options_.tls);
  if (scan == HeaderScan::incomplete) return;
  if (scan == HeaderScan::too_large) return close_guest(fd, &kTooLargeReply);
  std::string address;
  {
    std::lock_guard lock(mutex_);
    auto it = guests_.find(fd);
    if (it == guests_.end()) return;
    address = it->second.address;
    guests_.erase(it);
    epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  }
  hand_over_(fd, address);
}

void WaitingRoom::close_guest(int fd, const std::string* reply) {
  std::lock_guard lock(mutex_);
  auto it = guests_.find(fd);
  if (it == guests_.end()) return;
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  send_and_close(fd, options_.tls ? nullptr : reply);
  limits_.release(it->second.address);
  guests_.erase(it);
}

void WaitingRoom::expire_overdue() {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  for (auto it = guests_.begin(); it != guests_.end();) {
    if (it->second.deadline > now) {
      ++it;
      continue;
    }
    epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, it->first, nullptr);
    close(it->first);
    limits_.release(it->second.address);
    it = guests_.erase(it);
  }
}

}  // namespace ws::server

#include "tests/e2e/kiosk/fault_proxy.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cctype>
#include <cstring>
#include <string>
#include <stdexcept>

namespace ws::e2e {
namespace {

bool write_all(int fd, const char* data, std::size_t n) {
  while (n > 0) {
    const ssize_t w = ::send(fd, data, n, MSG_NOSIGNAL);
    if (w <= 0) return false;
    data += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

int connect_loopback(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

// Reads one request (headers and a Content-Length body) so that closing after the answer
// does not reset the connection under the client. Bounded: gives up after a few seconds idle.
void read_request(int fd) {
  std::string got;
  std::size_t need = std::string::npos;
  char buf[16 * 1024];
  while (need == std::string::npos || got.size() < need) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 5000) <= 0) return;
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return;
    got.append(buf, static_cast<std::size_t>(n));
    const auto end = got.find("\r\n\r\n");
    if (need == std::string::npos && end != std::string::npos) {
      std::string head = got.substr(0, end);
      for (auto& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      const auto cl = head.find("content-length:");
      need = end + 4 + (cl == std::string::npos ? 0 : std::stoul(head.substr(cl + 15)));
    }
  }
}

}  // namespace

FaultProxy::FaultProxy() {
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listener_ < 0) throw std::runtime_error("socket failed");
  int one = 1;
  setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = 0;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listener_, 64) != 0) {
    ::close(listener_);
    throw std::runtime_error("bind/listen failed");
  }
  socklen_t len = sizeof addr;
  getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

FaultProxy::~FaultProxy() {
  stop_ = true;
  if (acceptor_.joinable()) acceptor_.join();
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mutex_);
    threads.swap(threads_);
  }
  for (auto& t : threads) t.join();
  ::close(listener_);
}

void FaultProxy::set_fault_rate(double p, std::uint64_t seed) {
  std::lock_guard lock(mutex_);
  fault_rate_ = p;
  rng_.seed(seed);
}

FaultProxy::Mode FaultProxy::pick(std::uint64_t& seed) {
  std::lock_guard lock(mutex_);
  seed = rng_();
  std::uniform_real_distribution<double> chance(0, 1);
  if (chance(rng_) >= fault_rate_) return Mode::Pass;
  static const Mode faults[] = {Mode::Drop, Mode::Truncate, Mode::Delay, Mode::Answer500};
  return faults[rng_() % 4];
}

void FaultProxy::accept_loop() {
  while (!stop_) {
    pollfd p{listener_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    const int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    int one = 1;
    setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::uint64_t seed = 0;
    const Mode mode = pick(seed);
    if (mode != Mode::Pass) ++faults_;
    std::lock_guard lock(mutex_);
    threads_.emplace_back([this, client, mode, seed] { serve(client, mode, seed); });
  }
}

void FaultProxy::refuse_html(int client, int status) {
  read_request(client);
  static const char kPage[] = "<html><body><h1>Access denied</h1><p>Blocked by policy.</p></body></html>\n";
  const std::string reply = "HTTP/1.1 " + std::to_string(status) + " Refused\r\nContent-Type: text/html\r\n" +
                            "Content-Length: " + std::to_string(std::strlen(kPage)) +
                            "\r\nConnection: close\r\n\r\n" + kPage;
  write_all(client, reply.data(), reply.size());
  ++html_refusals_;
  ::close(client);
}

void FaultProxy::serve(int client, Mode mode, std::uint64_t seed) {
  if (const int status = html_status_; status != 0) return refuse_html(client, status);
  if (mode == Mode::Drop) {
    ::close(client);
    return;
  }
  const int upstream = connect_loopback(upstream_);
  if (upstream < 0) {
    ::close(client);
    return;
  }
  std::mt19937_64 rng(seed);
  char buf[64 * 1024];
  bool open = true;
  while (open && !stop_) {
    pollfd fds[2] = {{client, POLLIN, 0}, {upstream, POLLIN, 0}};
    if (::poll(fds, 2, 50) <= 0) continue;
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      const ssize_t n = ::recv(client, buf, sizeof buf, 0);
      if (n <= 0 || !write_all(upstream, buf, static_cast<std::size_t>(n))) break;
      up_ += static_cast<std::uint64_t>(n);
    }
    if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
      const ssize_t n = ::recv(upstream, buf, sizeof buf, 0);
      if (n <= 0) break;
      switch (mode) {
        case Mode::Pass:
          if (!write_all(client, buf, static_cast<std::size_t>(n))) open = false;
          down_ += static_cast<std::uint64_t>(n);
          break;
        case Mode::Truncate: {
          // The server did the work; the client gets part of the answer and a closed socket.
          const std::size_t cut = rng() % static_cast<std::size_t>(n);
          if (cut > 0) write_all(client, buf, cut);
          open = false;
          break;
        }
        case Mode::Delay: {
          const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(delay_ms_.load());
          while (!stop_ && std::chrono::steady_clock::now() < until) ::poll(nullptr, 0, 20);
          open = false;
          break;
        }
        case Mode::Answer500: {
          static const char kReply[] =
              "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n"
              "Connection: close\r\n\r\nproxy fault\n";
          write_all(client, kReply, std::strlen(kReply));
          open = false;
          break;
        }
        case Mode::Drop: open = false; break;
      }
    }
  }
  ::close(upstream);
  ::close(client);
}

}  // namespace ws::e2e

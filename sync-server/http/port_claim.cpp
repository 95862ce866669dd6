#include "sync-server/http/port_claim.hpp"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

namespace ws::server {
namespace {

std::string probe_host(const std::string& host) {
  if (host.empty() || host == "0.0.0.0" || host == "*") return "127.0.0.1";
  if (host == "::" || host == "[::]") return "::1";
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') return host.substr(1, host.size() - 2);
  return host;
}

bool connects(const addrinfo& a) {
  const int fd = ::socket(a.ai_family, a.ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a.ai_protocol);
  if (fd < 0) return false;
  bool accepted = ::connect(fd, a.ai_addr, a.ai_addrlen) == 0;
  if (!accepted && errno == EINPROGRESS) {
    pollfd p{fd, POLLOUT, 0};
    int error = 0;
    socklen_t len = sizeof error;
    accepted = ::poll(&p, 1, 1000) == 1 && ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) == 0 && error == 0;
  }
  ::close(fd);
  return accepted;
}

}  // namespace

bool someone_listens(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (::getaddrinfo(probe_host(host).c_str(), std::to_string(port).c_str(), &hints, &found) != 0) return false;
  bool listens = false;
  for (const addrinfo* a = found; a != nullptr && !listens; a = a->ai_next) listens = connects(*a);
  ::freeaddrinfo(found);
  return listens;
}

PortClaim claim_port(const std::string& host, int port, const std::function<int()>& try_bind,
                     const std::function<void(const std::string&)>& log, const PortClaimOptions& options) {
  const auto give_up = std::chrono::steady_clock::now() + options.patience;
  bool said = false;
  for (;;) {
    const int error = try_bind();
    if (error == 0) return PortClaim::Bound;
    if (error != EADDRINUSE) return PortClaim::Refused;
    if (someone_listens(host, port)) return PortClaim::Listening;
    if (std::chrono::steady_clock::now() >= give_up) return PortClaim::StillBusy;
    if (!said) {
      log("serve: port " + std::to_string(port) +
          " is still held by closed connections (TIME_WAIT) of an earlier program; waiting for it");
      said = true;
    }
    std::this_thread::sleep_for(options.retry_every);  // polling the kernel's port table, bounded
  }
}

}  // namespace ws::server

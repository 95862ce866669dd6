// The real binary under a service manager's eyes: it says READY=1 on $NOTIFY_SOCKET once it is
// listening (systemd Type=notify), and STOPPING=1 when asked to stop.
#include <doctest/doctest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cstdlib>
#include <cstring>

#include "tests/e2e/server/server_process.hpp"

using namespace ws;
using namespace ws::e2e;

namespace {

// A datagram socket standing in for systemd's notification socket.
struct NotifySocket {
  int fd = -1;
  explicit NotifySocket(const std::string& path) {
    fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd >= 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    REQUIRE(path.size() < sizeof addr.sun_path);
    std::memcpy(addr.sun_path, path.data(), path.size());
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  }
  ~NotifySocket() { ::close(fd); }
  // The next message, waiting up to a generous bound.
  std::string next() {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 20'000) <= 0) return "";
    char buf[512];
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : "";
  }
};

}  // namespace

TEST_CASE("serve tells the service manager when it is ready and when it stops") {
  TempDir dir;
  NotifySocket notify(dir.file("notify"));
  ::setenv("NOTIFY_SOCKET", dir.file("notify").c_str(), 1);
  ServerProcess server(dir.file("s.db"), dir.file("server.log"));
  ::unsetenv("NOTIFY_SOCKET");
  CHECK(notify.next() == "READY=1");
  CHECK(server.terminate() == 0);
  CHECK(notify.next() == "STOPPING=1");
}

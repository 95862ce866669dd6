// The real binary under a service manager's eyes: it says READY=1 on $NOTIFY_SOCKET once it is
// listening (systemd Type=notify), and STOPPING=1 when asked to stop; and the process it runs as
// (the same pid, restarted once with glibc's heap settings).
#include <doctest/doctest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

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

namespace {

// The process's environment as its NUL-separated /proc file gives it, one entry per string.
std::vector<std::string> environment_of(pid_t pid) {
  const std::string text = read_file("/proc/" + std::to_string(pid) + "/environ");
  std::vector<std::string> entries;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = std::min(text.find('\0', start), text.size());
    entries.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return entries;
}

// GLIBC_TUNABLES as the process sees it. glibc may rewrite the variable in place while it reads
// it (2.36 leaves only the first name=value of the list in /proc/PID/environ), so tests compare
// its start.
std::string tunables_of(pid_t pid) {
  for (const std::string& entry : environment_of(pid))
    if (entry.rfind("GLIBC_TUNABLES=", 0) == 0) return entry.substr(std::strlen("GLIBC_TUNABLES="));
  return "";
}

// Whether the kernel gives huge pages only to memory that asks for them (THP "madvise"), and
// whether any of the process's memory has asked: smaps shows the advice as the "hg" flag.
bool huge_pages_on_advice() {
  return read_file("/sys/kernel/mm/transparent_hugepage/enabled").find("[madvise]") != std::string::npos;
}
bool advised_huge(pid_t pid) {
  return read_file("/proc/" + std::to_string(pid) + "/smaps").find(" hg") != std::string::npos;
}

// GLIBC_TUNABLES as the test found it, given back when the test ends.
struct TunablesRestored {
  std::optional<std::string> before;
  TunablesRestored() {
    if (const char* v = std::getenv("GLIBC_TUNABLES")) before = v;
  }
  ~TunablesRestored() {
    if (before) {
      ::setenv("GLIBC_TUNABLES", before->c_str(), 1);
    } else {
      ::unsetenv("GLIBC_TUNABLES");
    }
  }
};

}  // namespace

TEST_CASE("serve runs with glibc's heaps on huge pages, unless the operator chose otherwise") {
  TempDir dir;
  const TunablesRestored restored;
  SUBCASE("started without tunables, it restarts itself once with them and serves") {
    ::unsetenv("GLIBC_TUNABLES");
    ServerProcess server(dir.file("s.db"), dir.file("server.log"));
    CHECK(tunables_of(server.pid()).rfind("glibc.malloc.hugetlb=1", 0) == 0);
    auto c = server.client();
    auto res = c.Get("/healthz");
    REQUIRE(res);
    CHECK(res->status == 200);
#if !defined(__SANITIZE_ADDRESS__)  // the sanitizers' allocator replaces glibc's heaps
    if (huge_pages_on_advice()) CHECK(advised_huge(server.pid()));
#endif
    CHECK(server.terminate() == 0);
  }
  SUBCASE("an operator's glibc.malloc.hugetlb stands as given") {
    ::setenv("GLIBC_TUNABLES", "glibc.malloc.hugetlb=0", 1);
    ServerProcess server(dir.file("s.db"), dir.file("server.log"));
    CHECK(tunables_of(server.pid()) == "glibc.malloc.hugetlb=0");
    if (huge_pages_on_advice()) CHECK_FALSE(advised_huge(server.pid()));
    CHECK(server.terminate() == 0);
  }
}

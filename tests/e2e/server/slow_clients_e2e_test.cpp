// Slow clients against the real sync-server: connections that send half a request and stall
// wait in the server's waiting room, not in a worker, so /healthz and a real `kiosk sync` from
// another address still answer. The stalling sockets come from 127.0.0.2 (loopback on Linux),
// so the per-address cap meets them and not the real clients on 127.0.0.1.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>
#include <httplib.h>

#include "tests/e2e/kiosk/harness.hpp"

using namespace ws::e2e;
using Clock = std::chrono::steady_clock;

namespace {

// Every socket a test opens, closed when the test ends, whatever happens.
struct Sockets {
  std::vector<int> fds;
  ~Sockets() {
    for (int fd : fds) close(fd);
  }
};

int connect_from(const char* source, int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in from{};
  from.sin_family = AF_INET;
  inet_pton(AF_INET, source, &from.sin_addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0) {
    close(fd);
    FAIL("cannot bind to " << source);
  }
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<std::uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
    close(fd);
    FAIL("cannot connect from " << source);
  }
  return fd;
}

void send_all(int fd, const std::string& text) {
  REQUIRE(send(fd, text.data(), text.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(text.size()));
}

// Reads until the peer closes or `bound` passes; returns what arrived and whether it closed.
std::pair<std::string, bool> read_until_closed(int fd, std::chrono::milliseconds bound) {
  std::string got;
  const auto deadline = Clock::now() + bound;
  while (Clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    char buf[4096];
    const ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return {got, true};
    got.append(buf, static_cast<std::size_t>(n));
  }
  return {got, false};
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

TEST_CASE("500 stalled half requests from one address: /healthz and a real kiosk sync still answer") {
  TempDir dir;
  Server server(dir.file("s.db"));
  server.start();
  Sockets stalled;
  const std::string half = "POST /v1/push HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Le";
  for (int i = 0; i < 500; ++i) {
    stalled.fds.push_back(connect_from("127.0.0.2", server.port()));
    // The server may already have refused this one (over the per-address cap): that is fine.
    send(stalled.fds.back(), half.data(), half.size(), MSG_NOSIGNAL);
  }

  auto start = Clock::now();
  httplib::Client c("127.0.0.1", server.port());
  c.set_connection_timeout(10);
  c.set_read_timeout(30);
  auto health = c.Get("/healthz");
  const double health_s = seconds_since(start);
  REQUIRE(health);
  CHECK(health->status == 200);

  Kiosk k{dir.file("kiosk")};
  start = Clock::now();
  k.enroll(server, "OSLO");
  k.add("intake", intake(1), dir.path());
  auto synced = k.cli({"sync"});
  const double sync_s = seconds_since(start);
  CHECK_MESSAGE(synced.code == 0, synced.err);
  CHECK(server.export_records("intake").size() == 1);
  std::printf("slow clients: 500 stalled connections; /healthz %.3f s; kiosk enrol+add+sync %.3f s\n", health_s,
              sync_s);
  CHECK(health_s < 5.0);
  CHECK(sync_s < 5.0);
}

TEST_CASE("a header sent byte by byte within the deadline is served") {
  TempDir dir;
  Server server(dir.file("s.db"), {"--header-timeout", "5"});
  server.start();
  Sockets s;
  s.fds.push_back(connect_from("127.0.0.1", server.port()));
  const std::string request = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  for (char ch : request) {
    send_all(s.fds[0], std::string(1, ch));
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // the slow client's pace, not a wait
  }
  auto [reply, closed] = read_until_closed(s.fds[0], std::chrono::seconds(20));
  CHECK(closed);
  CHECK(reply.rfind("HTTP/1.1 200", 0) == 0);
}

TEST_CASE("a header never finished is closed after the deadline and an oversized header gets 431") {
  TempDir dir;
  Server server(dir.file("s.db"), {"--header-timeout", "0.5"});
  server.start();
  Sockets s;
  s.fds.push_back(connect_from("127.0.0.1", server.port()));
  const auto start = Clock::now();
  send_all(s.fds[0], "GET /healthz HTTP/1.1\r\nHost: x\r\n");
  auto [reply, closed] = read_until_closed(s.fds[0], std::chrono::seconds(20));
  std::printf("slow clients: an unfinished header was closed after %.3f s (deadline 0.5 s)\n", seconds_since(start));
  CHECK(closed);
  CHECK(reply.empty());

  s.fds.push_back(connect_from("127.0.0.1", server.port()));
  send_all(s.fds[1], "GET /healthz HTTP/1.1\r\nX-Big: " + std::string(20 * 1024, 'a'));
  auto [big, big_closed] = read_until_closed(s.fds[1], std::chrono::seconds(20));
  CHECK(big_closed);
  CHECK(big.rfind("HTTP/1.1 431", 0) == 0);
  CHECK(big.find("\"header_too_large\"") != std::string::npos);
}

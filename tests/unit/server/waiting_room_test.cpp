// The waiting room's logic: when a header block is complete, too large or not yet whole, and
// the connection caps; plus one real socket pair handed over once its header is complete.
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include <doctest/doctest.h>

#include "sync-server/http/waiting_room.hpp"

using namespace ws::server;

TEST_CASE("scan_header: complete at the blank line, too large past the limit, else incomplete") {
  CHECK(scan_header("", 64, false) == HeaderScan::incomplete);
  CHECK(scan_header("GET / HTTP/1.1\r\nHost: x\r\n", 64, false) == HeaderScan::incomplete);
  CHECK(scan_header("GET / HTTP/1.1\r\nHost: x\r\n\r\n", 64, false) == HeaderScan::complete);
  CHECK(scan_header("POST / HTTP/1.1\r\n\r\n{\"body\":1}", 64, false) == HeaderScan::complete);
  CHECK(scan_header(std::string(64, 'a'), 64, false) == HeaderScan::too_large);
  CHECK(scan_header("GET /" + std::string(70, 'a') + "\r\n\r\n", 64, false) == HeaderScan::too_large);
  // TLS: the first bytes (the ClientHello) are all the waiting room can see.
  CHECK(scan_header("", 64, true) == HeaderScan::incomplete);
  CHECK(scan_header("\x16\x03\x01", 64, true) == HeaderScan::complete);
}

TEST_CASE("connection limits: per address and in total, released on close") {
  ConnectionLimits limits(2, 3);
  CHECK(limits.admit("10.0.0.1"));
  CHECK(limits.admit("10.0.0.1"));
  CHECK_FALSE(limits.admit("10.0.0.1"));
  CHECK(limits.admit("10.0.0.2"));
  CHECK_FALSE(limits.admit("10.0.0.3"));  // the total is full
  limits.release("10.0.0.1");
  CHECK(limits.total() == 2);
  CHECK(limits.admit("10.0.0.3"));
  CHECK(limits.total() == 3);
}

TEST_CASE("the waiting room hands a connection over only once its header is complete") {
  std::atomic<int> handed{-1};
  WaitingRoomOptions options;
  WaitingRoom room(options, [&](int fd, const std::string&) { handed = fd; });
  int pair[2];
  REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0);
  room.admit(pair[0]);
  CHECK(room.open_connections() == 1);
  REQUIRE(write(pair[1], "GET / HTTP/1.1\r\n", 16) == 16);
  REQUIRE(write(pair[1], "Host: x\r\n\r\n", 11) == 11);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (handed.load() < 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  CHECK(handed.load() == pair[0]);
  // Nothing was consumed: the worker reads the whole request.
  char buf[64];
  CHECK(recv(pair[0], buf, sizeof buf, MSG_DONTWAIT) == 27);
  room.release("");
  CHECK(room.open_connections() == 0);
  close(pair[0]);
  close(pair[1]);
}

TEST_CASE("the waiting room closes a connection whose header misses the deadline") {
  WaitingRoomOptions options;
  options.header_timeout_ms = 100;
  WaitingRoom room(options, [](int, const std::string&) { FAIL("an unfinished header was handed over"); });
  int pair[2];
  REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0);
  room.admit(pair[0]);
  REQUIRE(write(pair[1], "GET / HTTP/1.1\r\n", 16) == 16);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (room.open_connections() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  CHECK(room.open_connections() == 0);
  char buf[8];
  // Closed by the room; its unread bytes make the close a reset.
  const ssize_t n = read(pair[1], buf, sizeof buf);
  CHECK((n == 0 || (n < 0 && errno == ECONNRESET)));
  close(pair[1]);
}

// Every reply of the real server carries its time (protocol::kServerTimeHeader, Unix ms): routed
// replies, refusals, unknown routes and requests httplib refuses before routing.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <string>

#include <doctest/doctest.h>

#include "tests/e2e/server/server_process.hpp"
#include "ws/protocol.hpp"

using namespace ws::e2e;

namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The server and the test share one machine clock, so the stamp lies between two readings of it.
void check_stamp(const std::string& value, std::int64_t before, std::int64_t after) {
  REQUIRE_FALSE(value.empty());
  const std::int64_t stamp = std::stoll(value);
  CHECK(stamp >= before);
  CHECK(stamp <= after);
}

// Sends raw bytes and returns the reply's head, for requests no HTTP client would send.
std::string raw_exchange(int port, const std::string& bytes) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()));
  std::string reply;
  char buf[4096];
  while (reply.find("\r\n\r\n") == std::string::npos) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    reply.append(buf, static_cast<std::size_t>(n));
  }
  close(fd);
  return reply.substr(0, reply.find("\r\n\r\n"));
}

}  // namespace

TEST_CASE("server time: every reply carries the server's time, errors and unknown routes included") {
  TempDir dir;
  ServerProcess server(dir.file("s.db"), dir.file("server.log"));
  auto client = server.client();
  struct Probe {
    const char* method;
    const char* path;
    int status;
  };
  for (const Probe& p : {Probe{"GET", ws::protocol::kRouteHealth, 200}, Probe{"GET", "/no/such/route", 404},
                         Probe{"GET", ws::protocol::kRoutePull, 401}, Probe{"POST", ws::protocol::kRoutePush, 401}}) {
    CAPTURE(p.path);
    const std::int64_t before = now_ms();
    auto res = std::string(p.method) == "GET" ? client.Get(p.path) : client.Post(p.path, "{}", "application/json");
    const std::int64_t after = now_ms();
    REQUIRE(res);
    CHECK(res->status == p.status);
    check_stamp(res->get_header_value(ws::protocol::kServerTimeHeader), before, after);
  }

  {  // a request httplib refuses before routing
    const std::int64_t before = now_ms();
    const std::string head = raw_exchange(server.port(), "NOT-HTTP\r\n\r\n");
    const std::int64_t after = now_ms();
    CAPTURE(head);
    REQUIRE(head.rfind("HTTP/1.1 4", 0) == 0);
    const std::string name = std::string(ws::protocol::kServerTimeHeader) + ": ";
    const auto at = head.find(name);
    REQUIRE(at != std::string::npos);
    const auto start = at + name.size();
    check_stamp(head.substr(start, head.find("\r\n", start) - start), before, after);
  }
}

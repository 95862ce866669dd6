// The real binary's listening socket: one server a port, and a restart that is not kept waiting
// by connections another program left in TIME_WAIT.
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <thread>

#include "tests/e2e/server/server_process.hpp"

using namespace ws::e2e;

namespace {

// `serve --db DB --listen ADDRESS`, stopped (and reaped) when it goes out of scope.
class ServeAttempt {
 public:
  ServeAttempt(int port, const std::string& db, const std::string& log_file)
      : ServeAttempt("127.0.0.1:" + std::to_string(port), db, log_file) {}
  ServeAttempt(const std::string& listen, const std::string& db, const std::string& log_file,
               std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"serve", "--db", db, "--listen", listen};
    args.insert(args.end(), extra.begin(), extra.end());
    pid_ = spawn_server(std::move(args), log_file, out_fd_);
  }
  ~ServeAttempt() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    close(out_fd_);
  }
  ServeAttempt(const ServeAttempt&) = delete;
  ServeAttempt& operator=(const ServeAttempt&) = delete;

  // True once it says it listens; false when it exits first or stays silent past a generous
  // bound (a server that wrongly waits must not hang the test).
  bool listening() {
    std::string out;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline && out.find('\n') == std::string::npos) {
      pollfd p{out_fd_, POLLIN, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      char buf[256];
      const ssize_t n = read(out_fd_, buf, sizeof buf);
      if (n <= 0) break;  // it exited before saying anything
      out.append(buf, static_cast<std::size_t>(n));
    }
    const auto line = nlohmann::json::parse(out.substr(0, out.find('\n')), nullptr, false);
    return line.is_object() && line.value("event", "") == "listening";
  }
  // Its exit code once it exits by itself within the bound; -1 when it had to be killed.
  int exit_code() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    int status = 0;
    while (std::chrono::steady_clock::now() < deadline) {
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling a child's exit, bounded
    }
    return -1;
  }

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
};

// Waits (bounded) until the file holds `needle`.
bool file_comes_to_hold(const std::string& path, const std::string& needle) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (read_file(path).find(needle) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling a log file, bounded
  }
  return false;
}

int loopback_socket() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  return fd;
}

sockaddr_in loopback(int port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  return a;
}

// A listener as another server program makes it (SO_REUSEADDR, as servers commonly ask) that
// accepts one connection and closes it first, so that connection waits in TIME_WAIT on the
// listener's port. Returns the port, with nothing listening on it any more. (Linux lets a new
// socket bind past a TIME_WAIT connection only when both asked for SO_REUSEADDR.)
int port_left_in_time_wait() {
  const int listener = loopback_socket();
  const int yes = 1;
  REQUIRE(::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes) == 0);
  sockaddr_in any = loopback(0);
  REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&any), sizeof any) == 0);
  REQUIRE(::listen(listener, 1) == 0);
  socklen_t len = sizeof any;
  REQUIRE(::getsockname(listener, reinterpret_cast<sockaddr*>(&any), &len) == 0);
  const int port = ntohs(any.sin_port);

  const int client = loopback_socket();
  sockaddr_in to = loopback(port);
  REQUIRE(::connect(client, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0);
  const int accepted = ::accept(listener, nullptr, nullptr);
  REQUIRE(accepted >= 0);
  ::close(accepted);  // the listener's side closes first: its end goes to TIME_WAIT
  char byte;
  CHECK(::recv(client, &byte, 1, 0) == 0);  // the close reached the client
  ::close(client);
  ::close(listener);
  return port;
}

}  // namespace

TEST_CASE("a second serve on a port a server listens on refuses to start, and the first keeps serving") {
  // Two servers on one port would each get some of the kiosks' connections: pushes split between
  // two databases. The kernel refuses the second bind unless both sockets ask to share the port.
  TempDir dir;
  ServerProcess first(dir.file("first.db"), dir.file("first.log"));

  ServeAttempt second(first.port(), dir.file("second.db"), dir.file("second.log"));
  CHECK_FALSE(second.listening());
  CHECK(second.exit_code() == 1);
  const auto log = read_file(dir.file("second.log"));
  CHECK_MESSAGE(log.find("cannot listen on 127.0.0.1:" + std::to_string(first.port()) + ": another program") !=
                    std::string::npos,
                log);

  auto client = first.client();
  auto health = client.Get("/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);
}

TEST_CASE("serve restarts on its port at once while the last run's closed connections wait in TIME_WAIT") {
  // A server restarted after a crash or an upgrade must not fail for the minute the kernel keeps
  // the connections it closed.
  TempDir dir;
  int port = 0;
  {
    ServerProcess last_run(dir.file("s.db"), dir.file("last.log"));
    port = last_run.port();
    for (int i = 0; i < 3; ++i) {
      auto client = last_run.client();
      auto health = client.Get("/healthz", {{"Connection", "close"}});  // the server closes first
      REQUIRE(health);
      CHECK(health->status == 200);
    }
    CHECK(last_run.terminate() == 0);
  }
  ServeAttempt again(port, dir.file("s.db"), dir.file("s.log"));
  CHECK_MESSAGE(again.listening(), read_file(dir.file("s.log")));
}

TEST_CASE("serve starts on a port whose last connections, made by another server program, wait in TIME_WAIT") {
  TempDir dir;
  const int port = port_left_in_time_wait();
  ServeAttempt serve(port, dir.file("s.db"), dir.file("s.log"));
  CHECK_MESSAGE(serve.listening(), read_file(dir.file("s.log")));
}

TEST_CASE("serve waits while its port is held but not listened on, and listens once it is free") {
  // What connections of an older server version or of another program, left in TIME_WAIT,
  // look like to bind: the port is in use, yet nothing accepts. A socket bound and not listening
  // holds the port the same way, for as long as the test wants.
  TempDir dir;
  const int holder = loopback_socket();
  sockaddr_in any = loopback(0);
  REQUIRE(::bind(holder, reinterpret_cast<sockaddr*>(&any), sizeof any) == 0);
  socklen_t len = sizeof any;
  REQUIRE(::getsockname(holder, reinterpret_cast<sockaddr*>(&any), &len) == 0);
  const int port = ntohs(any.sin_port);

  ServeAttempt serve(port, dir.file("s.db"), dir.file("s.log"));
  REQUIRE_MESSAGE(file_comes_to_hold(dir.file("s.log"), "still held by closed connections"), read_file(dir.file("s.log")));
  ::close(holder);
  CHECK_MESSAGE(serve.listening(), read_file(dir.file("s.log")));
}

TEST_CASE("serve on an address that is not this machine's fails without waiting and says why") {
  TempDir dir;
  // 192.0.2.1 is TEST-NET-1, never a local address: the bind fails with EADDRNOTAVAIL.
  // (--insecure: plain HTTP on a non-loopback address is refused before the bind otherwise.)
  ServeAttempt serve("192.0.2.1:8443", dir.file("s.db"), dir.file("s.log"), {"--insecure"});
  CHECK(serve.exit_code() == 1);
  const auto log = read_file(dir.file("s.log"));
  CHECK_MESSAGE(log.find("cannot listen on 192.0.2.1:8443: the address is not this machine's") != std::string::npos, log);
  CHECK_MESSAGE(log.find("still held") == std::string::npos, log);
}

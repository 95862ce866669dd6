#pragma once
// Runs the real sync-server binary for end-to-end tests: `serve` on a free loopback port (the
// server binds port 0 and reports the port on stdout), admin commands with stdin/stdout, and
// cleanup that always kills and reaps the child, also when a test fails.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <thread>
#include <memory>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "tests/support/temp_dir.hpp"

namespace ws::e2e {

inline const char* server_binary() { return WS_SYNC_SERVER_BIN; }

// A file's whole content ("" when it cannot be read): logs, /proc files.
inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

using ws::test::TempDir;

struct CliResult {
  int exit_code = -1;
  std::string out;
  nlohmann::json json() const { return nlohmann::json::parse(out, nullptr, false); }
};

// Runs `sync-server args...` to completion, feeding `input` on stdin.
inline CliResult run_cli(const std::vector<std::string>& args, const std::string& input = "") {
  int in_pipe[2], out_pipe[2];
  REQUIRE(pipe(in_pipe) == 0);
  REQUIRE(pipe(out_pipe) == 0);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    dup2(in_pipe[0], STDIN_FILENO);
    dup2(out_pipe[1], STDOUT_FILENO);
    const int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, STDERR_FILENO);
    close(in_pipe[1]);
    close(out_pipe[0]);
    std::vector<char*> argv{const_cast<char*>(server_binary())};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(server_binary(), argv.data());
    _exit(127);
  }
  close(in_pipe[0]);
  close(out_pipe[1]);
  if (!input.empty()) {
    const ssize_t written = write(in_pipe[1], input.data(), input.size());
    CHECK(written == static_cast<ssize_t>(input.size()));
  }
  close(in_pipe[1]);
  CliResult r;
  char buf[4096];
  for (;;) {
    const ssize_t n = read(out_pipe[0], buf, sizeof buf);
    if (n <= 0) break;
    r.out.append(buf, static_cast<std::size_t>(n));
  }
  close(out_pipe[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// Starts `sync-server args...` with its stdout on `out_fd` (the reading end, the caller's to
// close) and its stderr appended to `log_file`; returns its pid.
inline pid_t spawn_server(std::vector<std::string> args, const std::string& log_file, int& out_fd) {
  int out_pipe[2];
  REQUIRE(pipe(out_pipe) == 0);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    dup2(out_pipe[1], STDOUT_FILENO);
    const int log = open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    dup2(log, STDERR_FILENO);
    close(out_pipe[0]);
    std::vector<char*> argv{const_cast<char*>(server_binary())};
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(server_binary(), argv.data());
    _exit(127);
  }
  close(out_pipe[1]);
  out_fd = out_pipe[0];
  return pid;
}

class ServerProcess {
 public:
  // Starts `serve --db DB --listen 127.0.0.1:0 extra...` and waits (bounded) for its port.
  ServerProcess(const std::string& db, const std::string& log_file, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"serve", "--db", db, "--listen", "127.0.0.1:0"};
    args.insert(args.end(), extra.begin(), extra.end());
    pid_ = spawn_server(std::move(args), log_file, out_fd_);
    std::string line;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (line.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      pollfd p{out_fd_, POLLIN, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      char buf[256];
      const ssize_t n = read(out_fd_, buf, sizeof buf);
      if (n <= 0) break;
      line.append(buf, static_cast<std::size_t>(n));
    }
    auto j = nlohmann::json::parse(line.substr(0, line.find('\n')), nullptr, false);
    REQUIRE_MESSAGE((j.is_object() && j.value("event", "") == "listening"), "server did not start: " << line);
    port_ = j["port"].get<int>();
  }
  ~ServerProcess() { kill9(); }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  int port() const { return port_; }
  pid_t pid() const { return pid_; }

  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_tcp_nodelay(true);
    c.set_connection_timeout(5);
    c.set_read_timeout(30);
    c.set_write_timeout(30);
    return c;
  }

  void kill9() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
    if (out_fd_ >= 0) {
      close(out_fd_);
      out_fd_ = -1;
    }
  }

  // SIGTERM, then wait (bounded) for a clean exit; returns the exit code, -1 if it had to be killed.
  int terminate() {
    if (pid_ <= 0) return -1;
    ::kill(pid_, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    int status = 0;
    while (std::chrono::steady_clock::now() < deadline) {
      const pid_t r = waitpid(pid_, &status, WNOHANG);
      if (r == pid_) {
        pid_ = -1;
        kill9();
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling a child's exit, bounded
    }
    kill9();
    return -1;
  }

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  int port_ = 0;
};

}  // namespace ws::e2e

#pragma once
// End-to-end harness: child processes that are always reaped, the real sync-server on a free
// loopback port, and the kiosk's command line.
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/temp_dir.hpp"

namespace ws::e2e {

using ws::test::TempDir;

struct SpawnOptions {
  std::string stdout_path = "/dev/null";
  std::string stderr_path = "/dev/null";
  std::optional<uid_t> run_as{};            // drop root to this uid/gid before exec
  std::optional<long long> file_size_limit{};  // RLIMIT_FSIZE in bytes (SIGXFSZ ignored)
};

// A child process that is killed and reaped when this object goes away, whatever happens.
class Process {
 public:
  Process() = default;
  Process(const std::vector<std::string>& argv, const SpawnOptions& options = {});
  Process(Process&& other) noexcept;
  Process& operator=(Process&& other) noexcept;
  ~Process();

  pid_t pid() const { return pid_; }
  bool running();
  void kill9();
  // SIGTERM, then SIGKILL if it has not exited within `grace`.
  int terminate(std::chrono::milliseconds grace = std::chrono::seconds(10));
  // Exit code, or -signal; nullopt if still running at the deadline.
  std::optional<int> wait_for(std::chrono::milliseconds deadline);

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
};

struct RunResult {
  int code = -1;  // exit code, or -signal
  std::string out;
  std::string err;
};

// Runs to completion (killed at `timeout`), capturing stdout and stderr.
RunResult run(const std::vector<std::string>& argv, const SpawnOptions& options = {},
              std::chrono::milliseconds timeout = std::chrono::seconds(120));

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& text);

const std::string& server_bin();
// Another sync-server binary for Server to start (a benchmark comparing two builds).
void use_server_bin(std::string path);
const std::string& kiosk_bin();
const std::string& assets_dir();

// The real sync-server on 127.0.0.1 with a port chosen by the kernel.
class Server {
 public:
  explicit Server(std::string db_path, std::vector<std::string> extra_args = {});
  ~Server();
  void start();        // waits (bounded) until it prints that it is listening
  void kill9();
  void stop();         // SIGTERM, graceful
  int port() const { return port_; }
  pid_t pid() const { return process_.pid(); }  // for signals (SIGHUP reload)
  std::string url() const { return (tls_cert_.empty() ? "http://127.0.0.1:" : "https://127.0.0.1:") + std::to_string(port_); }
  // Before start(): serve TLS with a self-signed certificate made in `dir` (sync-server
  // make-cert); url() is then https and enroll_code() carries the fingerprint kiosks pin.
  void use_tls(const std::string& dir);
  // Before start(): log one line per request to server-N.err beside the database (off by default).
  void log_requests() { quiet_ = false; }
  const std::string& db() const { return db_; }
  std::string enroll_code(const std::string& centre);
  // sync-server publish; returns its JSON reply. `file` is a form's JSON or a bundle folder.
  nlohmann::json publish(const std::string& kind, const std::string& file, const std::string& centre = "");
  // Every record the server holds (sync-server export --format json).
  std::vector<nlohmann::json> export_records(const std::string& kind = "");

 private:
  std::string db_;
  std::vector<std::string> extra_;
  std::string log_dir_;
  std::string tls_cert_;
  int starts_ = 0;
  int port_ = 0;
  bool quiet_ = true;
  Process process_;
};

// One kiosk data folder driven through `kiosk --data-dir DIR ...`.
struct Kiosk {
  std::string data_dir;
  std::string assets = assets_dir();
  std::string binary = kiosk_bin();
  RunResult cli(std::vector<std::string> args, const SpawnOptions& options = {},
                std::chrono::milliseconds timeout = std::chrono::seconds(120)) const;
  std::vector<std::string> argv(std::vector<std::string> args) const;
  void enroll(Server& server, const std::string& centre, const std::string& url = "");
  std::string add(const std::string& kind, const nlohmann::json& payload, const std::string& scratch_dir) const;
  nlohmann::json list(const std::string& kind) const;
  nlohmann::json status() const;
};

// `argv` run with `line` and a newline on its standard input (a PIN, as an operator types it).
std::vector<std::string> with_stdin(const std::string& line, std::vector<std::string> argv);

// A copy of the kiosk assets whose intake form says version 2, which the server has never been
// given: a kiosk using it has its intakes refused (quarantined). `form_file` gets the form's
// path, for publishing it later.
std::string forms_with_intake_v2(const TempDir& dir, std::string& form_file);

// A valid, fictional intake interview of about 1 KB.
nlohmann::json intake(int n);
nlohmann::json case_header(int n);

}  // namespace ws::e2e

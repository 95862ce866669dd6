#include "tests/e2e/kiosk/harness.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "tests/support/records.hpp"

namespace ws::e2e {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

Process::Process(const std::vector<std::string>& argv, const SpawnOptions& options) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    // Child: only async-signal-safe calls until exec.
    const int in = ::open("/dev/null", O_RDONLY);
    const int out = ::open(options.stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = ::open(options.stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || out < 0 || err < 0) _exit(126);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    setpgid(0, 0);
    if (options.file_size_limit) {
      signal(SIGXFSZ, SIG_IGN);  // a write past the limit then fails with EFBIG, like a full disk
      rlimit lim{static_cast<rlim_t>(*options.file_size_limit), static_cast<rlim_t>(*options.file_size_limit)};
      setrlimit(RLIMIT_FSIZE, &lim);
    }
    if (options.run_as) {
      if (setgid(*options.run_as) != 0 || setuid(*options.run_as) != 0) _exit(125);
    }
    execv(args[0], args.data());
    _exit(127);
  }
}

Process::Process(Process&& other) noexcept : pid_(other.pid_), status_(other.status_) { other.pid_ = -1; }

Process& Process::operator=(Process&& other) noexcept {
  if (this != &other) {
    if (pid_ > 0 && !status_) {
      ::kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    pid_ = other.pid_;
    status_ = other.status_;
    other.pid_ = -1;
  }
  return *this;
}

Process::~Process() {
  if (pid_ > 0 && !status_) {
    ::kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

bool Process::running() {
  if (pid_ <= 0 || status_) return false;
  int st = 0;
  if (waitpid(pid_, &st, WNOHANG) == pid_) {
    status_ = WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st);
    return false;
  }
  return true;
}

void Process::kill9() {
  if (pid_ > 0 && !status_) {
    ::kill(pid_, SIGKILL);
    int st = 0;
    waitpid(pid_, &st, 0);
    status_ = -SIGKILL;
  }
}

std::optional<int> Process::wait_for(std::chrono::milliseconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (running()) {
    if (std::chrono::steady_clock::now() >= until) return std::nullopt;
    std::this_thread::sleep_for(2ms);
  }
  return status_;
}

int Process::terminate(std::chrono::milliseconds grace) {
  if (pid_ <= 0) return -1;
  if (!status_) ::kill(pid_, SIGTERM);
  if (auto st = wait_for(grace)) return *st;
  kill9();
  return *status_;
}

RunResult run(const std::vector<std::string>& argv, const SpawnOptions& options, std::chrono::milliseconds timeout) {
  static std::atomic<int> counter{0};
  TempDir scratch;
  SpawnOptions o = options;
  o.stdout_path = scratch.sub("out");
  o.stderr_path = scratch.sub("err");
  if (options.run_as) fs::permissions(scratch.path(), fs::perms::all, fs::perm_options::replace);
  ++counter;
  Process p(argv, o);
  RunResult r;
  auto st = p.wait_for(timeout);
  if (!st) {
    p.kill9();
    r.code = -SIGKILL;
  } else {
    r.code = *st;
  }
  r.out = read_file(o.stdout_path);
  r.err = read_file(o.stderr_path);
  return r;
}

namespace {
std::string& chosen_server_bin() {
  static std::string p = WS_SERVER_BIN;
  return p;
}
}  // namespace

const std::string& server_bin() { return chosen_server_bin(); }
void use_server_bin(std::string path) { chosen_server_bin() = std::move(path); }
const std::string& kiosk_bin() {
  static const std::string p = WS_KIOSK_BIN;
  return p;
}
const std::string& assets_dir() {
  static const std::string p = WS_SOURCE_ASSETS_DIR;
  return p;
}

Server::Server(std::string db_path, std::vector<std::string> extra_args)
    : db_(std::move(db_path)), extra_(std::move(extra_args)), log_dir_(fs::path(db_).parent_path().string()) {}

Server::~Server() { process_.kill9(); }

void Server::start() {
  const std::string out = log_dir_ + "/server-" + std::to_string(++starts_) + ".out";
  // The server checks payloads against the same form definitions the kiosks use, as deployed.
  std::vector<std::string> argv{server_bin(), "serve",  "--db",  db_, "--listen", "127.0.0.1:0",
                                "--forms",    assets_dir() + "/forms"};
  if (quiet_) argv.push_back("--quiet");
  argv.insert(argv.end(), extra_.begin(), extra_.end());
  process_ = Process(argv, {.stdout_path = out, .stderr_path = log_dir_ + "/server-" + std::to_string(starts_) + ".err"});
  const auto until = std::chrono::steady_clock::now() + 30s;
  while (std::chrono::steady_clock::now() < until) {
    std::istringstream lines(read_file(out));
    for (std::string line; std::getline(lines, line);) {
      auto j = nlohmann::json::parse(line, nullptr, false);
      if (j.is_object() && j.value("event", "") == "listening") {
        port_ = j.value("port", 0);
        return;
      }
    }
    if (!process_.running()) throw std::runtime_error("sync-server exited: " + read_file(log_dir_ + "/server-" + std::to_string(starts_) + ".err"));
    std::this_thread::sleep_for(5ms);
  }
  throw std::runtime_error("sync-server did not start listening in time");
}

void Server::kill9() { process_.kill9(); }

nlohmann::json Server::publish(const std::string& kind, const std::string& file, const std::string& centre) {
  std::vector<std::string> argv{server_bin(), "publish", "--db", db_, "--kind", kind, "--file", file};
  if (!centre.empty()) argv.insert(argv.end(), {"--centre", centre});
  auto r = run(argv);
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  if (r.code != 0 || !j.is_object()) throw std::runtime_error("publish failed: " + r.out + r.err);
  return j;
}
void Server::stop() { process_.terminate(); }

void Server::use_tls(const std::string& dir) {
  tls_cert_ = dir + "/server-cert.pem";
  const std::string key = dir + "/server-key.pem";
  if (!fs::exists(tls_cert_)) {
    auto r = run({server_bin(), "make-cert", "--cert", tls_cert_, "--key", key, "--name", "localhost,127.0.0.1"});
    if (r.code != 0) throw std::runtime_error("make-cert failed: " + r.out + r.err);
  }
  extra_.insert(extra_.end(), {"--tls-cert", tls_cert_, "--tls-key", key});
}

std::string Server::enroll_code(const std::string& centre) {
  std::vector<std::string> argv{server_bin(), "enroll-code", "--db", db_, "--centre", centre};
  if (!tls_cert_.empty()) argv.insert(argv.end(), {"--tls-cert", tls_cert_});
  auto r = run(argv);
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  if (r.code != 0 || !j.is_object() || !j.contains("code")) throw std::runtime_error("enroll-code failed: " + r.out + r.err);
  return j["code"].get<std::string>();
}

std::vector<nlohmann::json> Server::export_records(const std::string& kind) {
  std::vector<std::string> argv{server_bin(), "export", "--db", db_, "--format", "json"};
  if (!kind.empty()) {
    argv.push_back("--kind");
    argv.push_back(kind);
  }
  auto r = run(argv);
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  if (r.code != 0 || !j.is_array()) throw std::runtime_error("export failed: " + r.err);
  return {j.begin(), j.end()};
}

std::vector<std::string> Kiosk::argv(std::vector<std::string> args) const {
  std::vector<std::string> full{binary, "--data-dir", data_dir, "--assets", assets};
  full.insert(full.end(), args.begin(), args.end());
  return full;
}

RunResult Kiosk::cli(std::vector<std::string> args, const SpawnOptions& options, std::chrono::milliseconds timeout) const {
  return run(argv(std::move(args)), options, timeout);
}

void Kiosk::enroll(Server& server, const std::string& centre, const std::string& url) {
  auto r = cli({"enroll", "--server", url.empty() ? server.url() : url, "--code", server.enroll_code(centre)});
  if (r.code != 0) throw std::runtime_error("enroll failed: " + r.err);
}

std::string Kiosk::add(const std::string& kind, const nlohmann::json& payload, const std::string& scratch_dir) const {
  static std::atomic<int> n{0};
  const std::string file = scratch_dir + "/payload-" + std::to_string(++n) + ".json";
  write_file(file, payload.dump());
  auto r = cli({"add", "--kind", kind, "--json", file});
  if (r.code != 0) throw std::runtime_error("add failed: " + r.err);
  return r.out.substr(0, r.out.find('\n'));
}

nlohmann::json Kiosk::list(const std::string& kind) const {
  auto r = cli({"list", "--kind", kind, "--json"});
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  if (r.code != 0 || !j.is_array()) throw std::runtime_error("list failed: " + r.err);
  return j;
}

nlohmann::json Kiosk::status() const {
  auto r = cli({"status", "--json", "--timeout-ms", "2000"});
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  if (r.code != 0 || !j.is_object()) throw std::runtime_error("status failed: " + r.err);
  return j;
}

std::vector<std::string> with_stdin(const std::string& line, std::vector<std::string> argv) {
  std::vector<std::string> full{"/bin/sh", "-c", "printf '%s\\n' \"$0\" | \"$@\"", line};
  full.insert(full.end(), argv.begin(), argv.end());
  return full;
}

std::string forms_with_intake_v2(const TempDir& dir, std::string& form_file) {
  const std::string assets = dir.sub("assets-v2");
  std::filesystem::create_directories(assets + "/forms");
  for (const auto& f : std::filesystem::directory_iterator(assets_dir() + "/forms")) {
    std::filesystem::copy(f.path(), assets + "/forms");
  }
  auto intake_form = nlohmann::json::parse(read_file(assets + "/forms/intake.json"));
  intake_form["version"] = 2;
  write_file(assets + "/forms/intake.json", intake_form.dump(2));
  form_file = dir.sub("intake-v2.json");
  write_file(form_file, intake_form.dump(2));
  // Content bundles come from the same folder.
  if (std::filesystem::exists(assets_dir() + "/content")) {
    std::filesystem::copy(assets_dir() + "/content", assets + "/content", std::filesystem::copy_options::recursive);
  }
  return assets;
}

nlohmann::json intake(int n) {
  auto answers = ws::test::intake_answers(n);
  answers["legal_status_notes"] = "Fictional record " + std::to_string(n) + " made by the end-to-end tests.";
  answers["reintegration_interests"] = {"business", "education"};
  answers["interests_notes"] =
      "Would like to open a small tailoring shop near family; wants a course in bookkeeping first. "
      "Grant amount: set by the programme. Follow-up with the partner office in the country of return "
      "after consent is recorded. Interview " + std::to_string(n) + ".";
  return answers;
}

nlohmann::json case_header(int n) {
  return {{"case_number", "OSL-" + std::to_string(1000 + n)},
          {"name_latin", "Test Case " + std::to_string(n)},
          {"status", "open"},
          {"date_opened", "2026-01-10"}};
}

}  // namespace ws::e2e

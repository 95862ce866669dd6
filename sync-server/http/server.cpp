#include "sync-server/http/server.hpp"

#include <arpa/inet.h>
#include <pthread.h>
#include <signal.h>

#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

#include <atomic>
#include <cerrno>
#include <functional>
#include <cstdio>
#include <memory>
#include <thread>

#include <nlohmann/json.hpp>

#include "sync-server/core/database.hpp"
#include "sync-server/core/form_validation.hpp"
#include "sync-server/core/records.hpp"
#include "sync-server/http/certificate.hpp"
#include "sync-server/http/hq/console.hpp"
#include "sync-server/http/port_claim.hpp"
#include "sync-server/http/waiting_room.hpp"
#include "sync-server/http/service_notify.hpp"
#include "ws/address.hpp"

namespace ws::server {
namespace {

// httplib 0.11 listens with a backlog of 5; when many kiosks connect at once the kernel then
// drops handshakes, and a client whose request arrives late meets an idle-timeout close.
// Calling listen() again on the bound socket widens the queue (Linux updates it in place).
constexpr int kListenBacklog = 1024;

// httplib keeps process_and_close_socket private; an explicit instantiation may name a private
// member, which is how a worker reaches the real server's connection handler.
using ProcessFn = bool (httplib::Server::*)(socket_t);
struct ProcessTag {
  friend ProcessFn process_fn(ProcessTag);
};
template <ProcessFn F>
struct Expose {
  friend ProcessFn process_fn(ProcessTag) { return F; }
};
template struct Expose<&httplib::Server::process_and_close_socket>;

// Runs each accepted socket's task on the accepting thread, which only hands it to the room.
class InlineQueue : public httplib::TaskQueue {
 public:
  void enqueue(std::function<void()> fn) override { fn(); }
  void shutdown() override {}
};

// The real server (routes, TLS, keep-alive): it never listens itself; workers give it sockets.
// Its keep-alive loop runs only while it believes it has a listening socket, so it is given the
// front door's while serving and an invalid one to finish.
template <typename Base>
class Inner : public Base {
 public:
  using Base::Base;
  void set_listening(socket_t sock) { this->svr_sock_ = sock; }
  bool process(socket_t sock) { return (this->*process_fn(ProcessTag{}))(sock); }
};

// Accepts connections and seats them in the waiting room; the room hands complete requests to
// the worker pool, whose workers run the inner server on them.
class FrontDoor : public httplib::Server {
 public:
  FrontDoor(WaitingRoomOptions options, int workers, std::function<bool(socket_t)> process)
      : pool_(static_cast<std::size_t>(workers)),
        room_(options, [this, process = std::move(process)](int fd, const std::string& address) {
          pool_.enqueue([this, process, fd, address] {
            process(fd);
            room_.release(address);
          });
        }) {
    new_task_queue = [] { return new InlineQueue; };
  }
  ~FrontDoor() override { finish(); }
  socket_t listening_socket() const { return svr_sock_; }
  void widen_backlog() {
    if (svr_sock_ != INVALID_SOCKET) ::listen(svr_sock_, kListenBacklog);
  }
  // After listen returns: close waiting connections, then let in-flight requests finish.
  void finish() {
    room_.stop();
    if (!finished_.exchange(true)) pool_.shutdown();
  }

 private:
  bool process_and_close_socket(socket_t sock) override {
    room_.admit(sock);
    return true;
  }
  httplib::ThreadPool pool_;
  WaitingRoom room_;
  std::atomic<bool> finished_{false};
};

// Sockets waiting for their header cost a descriptor each: allow as many as the hard limit.
void raise_open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) return;
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
}

void log_line(const std::string& text) {
  std::fprintf(stderr, "%s %s\n", iso8601_utc(unix_ms_now()).c_str(), text.c_str());
}

// SIGHUP: new handshakes get the files' new pair; open connections keep theirs. A bad pair
// (half-copied files, a key that does not match) leaves the old one in use.
void reload_certificate(ServerCertificate* certificate) {
  if (!certificate) {
    log_line("serve: SIGHUP ignored (plain HTTP, no certificate to reload)");
    return;
  }
  if (auto s = certificate->reload(); !s) {
    log_line("serve: SIGHUP: kept the current certificate (" + certificate->fingerprint() + "): " + s.error().message);
    return;
  }
  log_line("serve: SIGHUP: reloaded the TLS certificate, now " + certificate->fingerprint());
}

}  // namespace

Result<ListenAddress> parse_listen_address(const std::string& text) {
  std::string host, port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return fail("invalid_request", "--listen must be HOST:PORT, e.g. 127.0.0.1:8080 or [::1]:8080");
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || text.find(':') != colon) {
      return fail("invalid_request", "--listen must be HOST:PORT, e.g. 127.0.0.1:8080 or [::1]:8080");
    }
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  if (host.empty() || port.empty() || port.size() > 5) return fail("invalid_request", "--listen must be HOST:PORT");
  int n = 0;
  for (char c : port) {
    if (c < '0' || c > '9') return fail("invalid_request", "the port must be a number 0-65535");
    n = n * 10 + (c - '0');
  }
  if (n > 65535) return fail("invalid_request", "the port must be a number 0-65535");
  return ListenAddress{host, n};
}

bool is_loopback_host(const std::string& host) { return ws::is_loopback_host(host); }

Status check_serve_options(const ServeOptions& options) {
  if (options.db_path.empty()) return fail("invalid_request", "--db FILE is required");
  const bool tls = !options.tls_cert.empty() || !options.tls_key.empty();
  if (tls && (options.tls_cert.empty() || options.tls_key.empty())) {
    return fail("invalid_request", "--tls-cert and --tls-key go together");
  }
  if (!tls && !options.insecure && !is_loopback_host(options.listen.host)) {
    return fail("invalid_request",
                "refusing plain HTTP on a non-loopback address: give --tls-cert and --tls-key, or --insecure");
  }
  if (options.workers < 1 || options.workers > 1024) return fail("invalid_request", "--workers must be 1-1024");
  if (options.hq_stale_hours < 1 || options.hq_stale_hours > 24 * 365) {
    return fail("invalid_request", "--hq-stale-hours must be 1-8760 hours");
  }
  if (options.hq_session_idle_minutes < 1 || options.hq_session_idle_minutes > 24 * 60) {
    return fail("invalid_request", "--hq-session-idle must be 1-1440 minutes");
  }
  const WaitingRoomOptions& door = options.front_door;
  if (door.header_timeout_ms < 100) return fail("invalid_request", "--header-timeout must be at least 0.1 seconds");
  if (options.read_timeout_s < 1) return fail("invalid_request", "--read-timeout must be at least 1 second");
  if (door.max_header_bytes < 1024) return fail("invalid_request", "--max-header-bytes must be at least 1024");
  if (door.max_connections < 1 || door.max_per_address < 1) {
    return fail("invalid_request", "--max-connections and --max-connections-per-address must be at least 1");
  }
  return ok();
}

int run_server(const ServeOptions& options, std::ostream& out) {
  if (auto s = check_serve_options(options); !s) {
    log_line("serve: " + s.error().message);
    return 2;
  }
  // Block the stop signals before any thread starts, so only the waiter below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  auto db = Database::open(options.db_path, DatabaseOptions{.background_checkpoints = true, .serving = true});
  if (!db) {
    log_line("serve: cannot open the database: " + db.error().message);
    return 1;
  }
  auto validator = make_payload_validator(options.forms_dir);
  if (!validator) {
    log_line("serve: cannot load form definitions: " + validator.error().message);
    return 1;
  }
  HlcClock clock;
  {
    auto lease = (*db)->acquire();
    if (!lease) {
      log_line("serve: " + lease.error().message);
      return 1;
    }
    auto latest = latest_stored_hlc(**lease);
    if (!latest) {
      log_line("serve: " + latest.error().message);
      return 1;
    }
    clock.restore(*latest);
  }

  std::unique_ptr<httplib::Server> http;
  std::function<void(socket_t)> set_listening;
  std::function<bool(socket_t)> process;
  std::shared_ptr<ServerCertificate> certificate;
  if (!options.tls_cert.empty()) {
    auto loaded = ServerCertificate::load(options.tls_cert, options.tls_key);
    if (!loaded) {
      log_line("serve: cannot load the TLS certificate or key: " + loaded.error().message);
      return 1;
    }
    certificate = *loaded;
    auto tls = std::make_unique<Inner<httplib::SSLServer>>(
        [certificate](SSL_CTX& ctx) { return certificate->install(ctx); });
    set_listening = [p = tls.get()](socket_t sock) { p->set_listening(sock); };
    process = [p = tls.get()](socket_t sock) { return p->process(sock); };
    http = std::move(tls);
  } else {
    auto plain = std::make_unique<Inner<httplib::Server>>();
    set_listening = [p = plain.get()](socket_t sock) { p->set_listening(sock); };
    process = [p = plain.get()](socket_t sock) { return p->process(sock); };
    http = std::move(plain);
  }
  if (!http->is_valid()) {
    log_line("serve: cannot load the TLS certificate or key");
    return 1;
  }
  raise_open_file_limit();
  WaitingRoomOptions room = options.front_door;
  room.tls = !options.tls_cert.empty();
  FrontDoor door(room, options.workers, process);
  const int workers = options.workers;
  for (httplib::Server* s : {static_cast<httplib::Server*>(&door), http.get()}) {
    s->set_tcp_nodelay(true);
    s->set_read_timeout(options.read_timeout_s, 0);
    s->set_write_timeout(15, 0);
  }
  // httplib refuses a Content-Length above this before reading; the decoded size is capped
  // separately while reading, which is what stops a gzip bomb.
  http->set_payload_max_length(options.api.max_body_bytes);
  // Idle keep-alive connections hold a worker; release them soon so many kiosks share the pool
  // (a new connection's first request waits in the waiting room instead, without a worker).
  http->set_keep_alive_timeout(5);
  http->set_keep_alive_max_count(1000);

  Api api(**db, **validator, clock, options.api);
  api.install(*http);
  hq::ConsoleOptions console_options;
  console_options.gate.sessions.idle_ms = static_cast<std::int64_t>(options.hq_session_idle_minutes) * 60'000;
  console_options.gate.tls = certificate != nullptr;
  console_options.tls_fingerprint = certificate ? certificate->fingerprint() : "";
  console_options.data.stale_hours = options.hq_stale_hours;
  console_options.data.forms_dir = options.forms_dir;
  hq::Console console(*http, **db, console_options);
  api.also_route([&console](const std::string& path) { return console.routes().allowed_methods(path); });

  // Never httplib's default, SO_REUSEPORT alone: see port_claim.hpp.
  door.set_socket_options([](socket_t sock) {
    const int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  int port = options.listen.port;
  if (port == 0) {
    port = door.bind_to_any_port(options.listen.host);
    if (port <= 0) {
      log_line("serve: cannot listen on " + options.listen.host);
      return 1;
    }
  } else {
    // httplib closes the socket it failed to bind, which leaves errno as the bind set it.
    const auto try_bind = [&] {
      errno = 0;
      return door.bind_to_port(options.listen.host, port) ? 0 : (errno != 0 ? errno : EADDRNOTAVAIL);
    };
    const auto claim = claim_port(options.listen.host, port, try_bind, log_line);
    if (claim != PortClaim::Bound) {
      log_line("serve: cannot listen on " + options.listen.host + ":" + std::to_string(port) +
               (claim == PortClaim::Listening ? ": another program (or another sync-server) listens there"
               : claim == PortClaim::StillBusy ? ": the port stayed in use"
                                               : ": the address is not this machine's, or the port is not allowed"));
      return 1;
    }
  }
  door.widen_backlog();
  set_listening(door.listening_socket());

  std::atomic<bool> finished{false};
  std::thread waiter([&] {
    const timespec tick{0, 200 * 1000 * 1000};
    while (!finished.load()) {
      const int sig = sigtimedwait(&stop_signals, nullptr, &tick);
      if (sig == SIGHUP) {
        reload_certificate(certificate.get());
        continue;
      }
      if (sig == SIGTERM || sig == SIGINT) {
        log_line(std::string("serve: ") + (sig == SIGTERM ? "SIGTERM" : "SIGINT") +
                 ", finishing in-flight requests");
        notify_service_manager("STOPPING=1");
        // httplib's stop() does nothing while listen has not begun yet (a signal just after
        // READY=1), so it is repeated until listen has returned.
        while (!finished.load()) {
          door.stop();
          nanosleep(&tick, nullptr);
        }
        return;
      }
    }
  });

  out << nlohmann::json{{"event", "listening"},
                        {"host", options.listen.host},
                        {"port", port},
                        {"tls", !options.tls_cert.empty()},
                        {"fingerprint", certificate ? certificate->fingerprint() : ""}}
             .dump()
      << std::endl;
  log_line("serve: listening on " + options.listen.host + ":" + std::to_string(port) +
           (certificate ? " (TLS, " + certificate->fingerprint() + ")" : " (plain HTTP)") + ", " + std::to_string(workers) + " workers");
  notify_service_manager("READY=1");  // bound and listening: connections queue until accepted
  const bool clean = door.listen_after_bind();
  finished = true;
  waiter.join();
  set_listening(INVALID_SOCKET);
  door.finish();
  log_line("serve: stopped");
  return clean ? 0 : 1;
}

}  // namespace ws::server

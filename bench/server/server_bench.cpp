// N simulated kiosks on loopback push 500-record batches of ~1 KB intake-like records to the
// real sync-server binary; the same rows inserted straight into SQLite (same transaction size,
// synchronous=FULL) give the floor. Prints records/s and p50/p99 batch latency per N.
//
//   server_bench [--kiosks 1,10,100,200] [--batches 6] [--records 500] [--interval-ms 0]
//                [--floor-batches 40] [--floor-page-size 0] [--dir /tmp] [--server-bin PATH] [--runs 5]
//                [--form compact|full] [--in-flight 2] [--seal off|on] [--warm-batches 0] [--allow-busy]
//
// --interval-ms: 0 = closed loop (each kiosk pushes its next batch as soon as one of its
// --in-flight batches is acknowledged); >0 = each kiosk starts one batch per interval (open
// loop, random phase).
// --in-flight: batches each kiosk keeps on the wire, one connection each (2, as the kiosk's
// push round since session 11; 1 gives the figures of the sessions before).
// --server-bin: another sync-server build to measure (default: this build's), so that two
// builds can be compared against one floor (use --form full for a build before protocol 2).
// --seal on: every record sealed to the server's key as a kiosk's outbox item, the batches
// sent as sealed item bodies (ws/push_seal.hpp), as kiosks that learnt the key push; sealed
// after the server started (its key is read from a reply) and before the clock starts.
// --runs: the floor and every kiosk count are measured this many times, alternating; the
// table gives medians, each ratio taken against the floor measured just before it.
// --floor-page-size: the floor file's page size (SQLite's default, 4096, unless given), to see
// what the server's 16 KB pages would give the floor itself.
// --warm-batches: each kiosk first pushes this many batches more, the same way, before the clock
// starts: the figures are then a running server's, without a fresh process's first requests
// (its heaps' first pages, its first SQLite connections). 0 (the default) times from the start.
// Waits for, then refuses to run above, a load average of 1.0 unless --allow-busy (check_load).
// The bench runs with the heap settings `serve` gives itself (2 MB heap pages, session 34):
// its senders stand for kiosks on other machines, and with 4 KB pages their first touches of
// memory took ~0.17 s of CPU on the server's two cores in a ten-kiosk run of ~0.45 s (the
// senders' CPU fell from 0.29 to 0.12 s). The floor, measured in this process, has them too
// (it did not slow down). The server is started with the environment the bench was given.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "bench/bench_common.hpp"
#include "sync-server/core/database.hpp"
#include "sync-server/core/devices.hpp"
#include "sync-server/core/heap_pages.hpp"
#include "tests/e2e/kiosk/harness.hpp"
#include "ws/envelope.hpp"
#include "ws/ids.hpp"
#include "ws/protocol.hpp"
#include "ws/push_reply.hpp"
#include "ws/push_seal.hpp"
#include "ws/sqlite.hpp"

using Clock = std::chrono::steady_clock;
using nlohmann::json;

namespace {

struct Options {
  std::vector<int> kiosks = {1, 10, 100, 200};
  int batches = 6;
  int records = 500;
  int interval_ms = 0;
  int floor_batches = 40;
  int floor_page_size = 0;  // the floor file's page size; 0: SQLite's default (4096)
  std::string dir = std::filesystem::temp_directory_path().string();
  std::string server_bin = WS_SYNC_SERVER_BIN;
  int runs = 5;              // floor and each kiosk count, alternating; medians are printed
  int in_flight = 3;         // batches each kiosk keeps on the wire: the kiosk's push_depth (sync_round.hpp)
  int warm_batches = 0;      // untimed batches each kiosk pushes first
  bool allow_busy = false;
  bool seal = false;
  // compact: protocol 2 envelopes and header, as kiosks send now; full: protocol 1's (and what
  // an older --server-bin understands).
  ws::EnvelopeForm form = ws::EnvelopeForm::Compact;
};

// Intake-interview-like answers, ~1 KB of JSON; synthetic text, no real personal data.
// A valid intake interview (the server validates it against assets/forms), every field
// carrying its version as the kiosk sends it.
ws::Envelope bench_record(const std::string& device, const std::string& centre, int i, std::mt19937& rng) {
  ws::Envelope e;
  e.id = ws::new_uuid_v7();
  e.kind = "intake";
  e.centre = centre;
  e.version = ws::Version{ws::Hlc{ws::HlcClock::system_wall_ms(), 0}, device};
  e.payload = ws::e2e::intake(static_cast<int>(rng() % 100000) + i);
  for (const auto& [field, _] : e.payload.items()) e.field_versions[field] = e.version;
  return e;
}

struct Batch {
  std::string id;
  std::vector<std::string> records;  // each envelope's JSON
};

Batch make_batch(const Options& o, const std::string& device, const std::string& centre, std::mt19937& rng) {
  Batch b{ws::new_uuid_v7(), {}};
  for (int i = 0; i < o.records; ++i) b.records.push_back(ws::to_json(bench_record(device, centre, i, rng), o.form).dump());
  return b;
}

// The plain body as nlohmann dumps it: keys sorted, no blanks.
std::string plain_body(const Batch& b) {
  std::string out = "{\"batch_id\":" + json(b.id).dump() + ",\"records\":[";
  for (std::size_t i = 0; i < b.records.size(); ++i) out += (i > 0 ? "," : "") + b.records[i];
  return out + "]}";
}

// The body a kiosk sends once it knows the server's key: each record sealed as its outbox item.
std::string sealed_body(const Batch& b, const std::string& server_key, const std::string& device) {
  std::vector<std::string> items;
  for (const auto& r : b.records) {
    auto item = ws::push_seal::seal_item(server_key, device, r);
    if (!item) return "";
    items.push_back(std::move(*item));
  }
  auto body = ws::push_seal::items_body(b.id, std::vector<std::string_view>(items.begin(), items.end()));
  return body ? *body : "";
}

// Each simulated kiosk connects from an address of its own, as kiosks in the field do (all of
// 127/8 is the loopback network on Linux): the server caps connections per address (256), and
// 100 or 200 kiosks sending from one address met that cap instead of measuring ingest.
std::string kiosk_address(int k) { return "127.1." + std::to_string(k / 250) + "." + std::to_string(k % 250 + 1); }

// The server's sealing key, as kiosks learn it: from the header every reply carries.
std::string server_seal_key(int port) {
  httplib::Client c("127.0.0.1", port);
  c.set_read_timeout(120);
  auto res = c.Get(ws::protocol::kRouteHealth);
  if (!res) return "";
  return ws::push_seal::decode_key(res->get_header_value(ws::push_seal::kSealKeyHeader));
}

using ws::bench::percentile;

struct ServerChild {
  pid_t pid = -1;
  int port = 0;
  ~ServerChild() {
    if (pid > 0) {
      kill(pid, SIGTERM);
      waitpid(pid, nullptr, 0);
    }
  }
};

bool start_server(const std::string& binary, const std::string& db, ServerChild& child) {
  int out[2];
  if (pipe(out) != 0) return false;
  child.pid = fork();
  if (child.pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    const int null = open("/dev/null", O_WRONLY);
    dup2(null, STDERR_FILENO);
    execl(binary.c_str(), binary.c_str(), "serve", "--db", db.c_str(), "--listen", "127.0.0.1:0", "--quiet", "--forms", WS_SOURCE_ASSETS_DIR "/forms",
          "--rate-limit", "0", "--workers", "256", nullptr);
    _exit(127);
  }
  close(out[1]);
  std::string line;
  // Generous: under valgrind (a --server-bin wrapper) on a busy machine start-up takes ~a minute.
  const auto deadline = Clock::now() + std::chrono::seconds(180);
  while (line.find('\n') == std::string::npos && Clock::now() < deadline) {
    pollfd p{out[0], POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    char buf[256];
    const ssize_t n = read(out[0], buf, sizeof buf);
    if (n <= 0) break;
    line.append(buf, static_cast<std::size_t>(n));
  }
  close(out[0]);
  auto j = json::parse(line.substr(0, line.find('\n')), nullptr, false);
  if (!j.is_object() || !j.contains("port")) return false;
  child.port = j["port"].get<int>();
  return true;
}

struct RunResult {
  int kiosks = 0;
  long records = 0;
  int errors = 0;
  double seconds = 0;
  std::vector<double> latencies_ms;
  double server_cpu_s = 0;       // the server process's utime + stime: independent of the load
  double sender_cpu_s = 0;       // this process's over the timed phase: the kiosks' side, on the same cores
  double db_bytes_per_record = 0;  // page_count * page_size / records, every table and index
};

double db_bytes_per_record(const std::string& db) {
  ws::sql::OpenOptions read_only;
  read_only.read_only = true;
  auto conn = ws::sql::Connection::open(db, read_only);
  if (!conn) return 0;
  auto one = [&](const char* sql) -> double {
    auto st = conn->prepare(sql);
    if (!st || !st->step().value_or(false)) return 0;
    return static_cast<double>(st->column_int(0));
  };
  const double records = one("SELECT COUNT(*) FROM records");
  return records > 0 ? one("PRAGMA page_count") * one("PRAGMA page_size") / records : 0;
}

RunResult run_kiosks(const Options& o, int n, const std::string& dir) {
  RunResult r;
  r.kiosks = n;
  const std::string db = dir + "/bench-" + std::to_string(n) + ".db";
  std::filesystem::remove(db);
  std::vector<std::pair<std::string, std::string>> devices;  // id, token
  {
    auto opened = ws::server::Database::open(db);
    if (!opened) return r;
    ws::server::DeviceRegistry reg(**opened);
    for (int i = 0; i < n; ++i) {
      auto code = reg.create_code("BENCH", 3600'000);
      auto e = reg.enroll(code->code, "bench-" + std::to_string(i));
      devices.emplace_back(e->device.id, e->token);
    }
  }
  // Bodies are made before the clock starts: the benchmark measures the server, not JSON dumping here.
  std::vector<std::vector<Batch>> batches(n);
  {
    std::mt19937 rng(42);
    for (int k = 0; k < n; ++k) {
      for (int b = 0; b < o.warm_batches + o.batches; ++b) batches[k].push_back(make_batch(o, devices[k].first, "BENCH", rng));
    }
  }
  ServerChild server;
  if (!start_server(o.server_bin, db, server)) {
    std::fprintf(stderr, "server did not start\n");
    r.errors = -1;
    return r;
  }
  const std::string key = o.seal ? server_seal_key(server.port) : "";
  if (o.seal && key.empty()) {
    std::fprintf(stderr, "the server named no sealing key\n");
    r.errors = -1;
    return r;
  }
  std::vector<std::vector<std::string>> bodies(n);
  for (int k = 0; k < n; ++k) {
    for (const auto& b : batches[k]) {
      bodies[k].push_back(o.seal ? sealed_body(b, key, devices[k].first) : plain_body(b));
      if (bodies[k].back().empty()) {
        std::fprintf(stderr, "a batch could not be sealed\n");
        r.errors = -1;
        return r;
      }
    }
  }
  const char* content_type = o.seal ? ws::push_seal::kContentType : "application/json";
  std::mutex m;
  std::atomic<int> errors{0};
  // Each kiosk keeps up to --in-flight batches on the wire, one connection each, as the kiosk's
  // push round does (two since session 11): a sender takes the kiosk's next batch when its reply
  // has come.
  std::vector<std::atomic<int>> next_batch(static_cast<std::size_t>(n));
  // Pushes each kiosk's batches [first, end); the latencies of a timed phase are kept.
  auto push_phase = [&](int first, int end, bool timed, Clock::time_point start) {
    for (auto& next : next_batch) next = first;
    std::vector<std::thread> threads;
    for (int k = 0; k < n; ++k) {
      std::mt19937 phase_rng(static_cast<unsigned>(k));
      const auto first_slot = start + std::chrono::milliseconds(o.interval_ms ? static_cast<int>(phase_rng() % o.interval_ms) : 0);
      for (int sender = 0; sender < o.in_flight; ++sender) {
        threads.emplace_back([&, k, first_slot] {
          httplib::Client c("127.0.0.1", server.port);
          c.set_interface(kiosk_address(k));
          c.set_tcp_nodelay(true);
          c.set_connection_timeout(30);
          c.set_read_timeout(120);
          c.set_write_timeout(120);
          httplib::Headers auth = {{"Authorization", "Bearer " + devices[k].second}};
          if (o.form == ws::EnvelopeForm::Compact) auth.emplace("X-Waystation-Protocol", "2");
          std::vector<double> mine;
          for (int b = next_batch[k].fetch_add(1); b < end; b = next_batch[k].fetch_add(1)) {
            if (o.interval_ms) {
              // the workload's pacing, not synchronisation
              std::this_thread::sleep_until(first_slot + std::chrono::milliseconds(static_cast<long>(b - first) * o.interval_ms));
            }
            const auto t0 = Clock::now();
            auto res = c.Post(ws::protocol::kRoutePush, auth, bodies[k][b], content_type);
            const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
            if (!res || res->status != 200) {
              errors.fetch_add(1);
              continue;
            }
            // A refused record is cheap for the server; count it as an error so it never passes
            // for speed. (The read is after the clock stopped.) The reply is read as a kiosk's
            // push round reads it, with the reader the kiosk uses: a kiosk is another machine, and
            // nlohmann's tree of every reply cost these senders ~9,000 instructions a record on
            // the server's cores, above its lowered checks (docs/performance.md, session 24).
            const auto reply = ws::protocol::read_push_reply(res->body);
            const bool all_applied =
                reply && reply->results.size() == static_cast<std::size_t>(o.records) &&
                std::all_of(reply->results.begin(), reply->results.end(),
                            [](const ws::protocol::RecordResult& r) { return r.status == ws::protocol::RecordStatus::Applied; });
            if (!all_applied) {
              errors.fetch_add(1);
              continue;
            }
            mine.push_back(ms);
          }
          if (!timed) return;
          std::lock_guard lock(m);
          r.latencies_ms.insert(r.latencies_ms.end(), mine.begin(), mine.end());
        });
      }
    }
    for (auto& t : threads) t.join();
  };
  // With warm batches the server's CPU is the timed phase's; without, it includes start-up, as
  // every earlier figure's did.
  double cpu_before = 0;
  if (o.warm_batches > 0) {
    push_phase(0, o.warm_batches, false, Clock::now());
    cpu_before = ws::bench::cpu_seconds(std::to_string(server.pid));
  }
  const double sender_cpu_before = ws::bench::cpu_seconds();
  const auto start = Clock::now();
  push_phase(o.warm_batches, o.warm_batches + o.batches, true, start);
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  r.server_cpu_s = ws::bench::cpu_seconds(std::to_string(server.pid)) - cpu_before;
  r.sender_cpu_s = ws::bench::cpu_seconds() - sender_cpu_before;
  r.db_bytes_per_record = db_bytes_per_record(db);
  r.errors = errors.load();
  r.records = static_cast<long>(r.latencies_ms.size()) * o.records;
  std::filesystem::remove(db);
  std::filesystem::remove(db + "-wal");
  std::filesystem::remove(db + "-shm");
  return r;
}

// The floor: the same rows into one plain table, one transaction per batch, fsync on commit.
double floor_records_per_second(const Options& o, const std::string& dir) {
  const std::string db = dir + "/bench-floor.db";
  std::filesystem::remove(db);
  double rate = 0;
  {
    auto conn = ws::sql::Connection::open(db, ws::sql::OpenOptions{.page_size = o.floor_page_size});
    if (!conn || !conn->exec("CREATE TABLE rows (id TEXT PRIMARY KEY, payload TEXT NOT NULL)")) return 0;
    std::mt19937 rng(7);
    std::vector<std::vector<std::pair<std::string, std::string>>> batches(o.floor_batches);
    for (auto& b : batches) {
      for (int i = 0; i < o.records; ++i) {
        auto e = bench_record("01890000-0000-7000-8000-000000000000", "BENCH", i, rng);
        b.emplace_back(e.id, ws::to_json(e, o.form).dump());
      }
    }
    const auto start = Clock::now();
    for (const auto& b : batches) {
      auto tx = ws::sql::Transaction::begin(*conn);
      auto st = conn->prepare("INSERT INTO rows (id, payload) VALUES (?1, ?2)");
      for (const auto& [id, payload] : b) {
        st->reset();
        st->bind(1, id).bind(2, payload);
        if (!st->run()) return 0;
      }
      if (!tx->commit()) return 0;
    }
    rate = o.floor_batches * o.records / std::chrono::duration<double>(Clock::now() - start).count();
  }
  std::filesystem::remove(db);
  std::filesystem::remove(db + "-wal");
  std::filesystem::remove(db + "-shm");
  return rate;
}

std::vector<int> parse_list(const std::string& s) {
  std::vector<int> out;
  std::size_t pos = 0;
  while (pos < s.size()) {
    const auto comma = s.find(',', pos);
    out.push_back(std::stoi(s.substr(pos, comma - pos)));
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return out;
}

// The variable that carries GLIBC_TUNABLES as given across the restart: "=VALUE", or empty when
// it was unset.
constexpr const char* kTunablesAsGiven = "WS_BENCH_GLIBC_TUNABLES_AS_GIVEN";

// Restarts this process once with the server's heap settings; in the restarted one, puts
// GLIBC_TUNABLES back as given so that the server (or an older build named by --server-bin)
// starts exactly as it would anywhere else.
void use_server_heap_settings(char** argv) {
  if (const char* given = std::getenv(kTunablesAsGiven)) {
    if (given[0] == '=') {
      setenv("GLIBC_TUNABLES", given + 1, 1);
    } else {
      unsetenv("GLIBC_TUNABLES");
    }
    unsetenv(kTunablesAsGiven);
    return;
  }
  const char* current = std::getenv("GLIBC_TUNABLES");
  setenv(kTunablesAsGiven, current ? (std::string("=") + current).c_str() : "", 1);
  ws::server::restart_with_huge_heap_pages(argv);
  unsetenv(kTunablesAsGiven);  // not restarted: the settings were given already, or cannot be
}

}  // namespace

int main(int argc, char** argv) {
  use_server_heap_settings(argv);
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    if (k == "--allow-busy") {
      o.allow_busy = true;
      continue;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "missing value for %s\n", k.c_str());
      return 2;
    }
    const std::string v = argv[++i];
    if (k == "--kiosks") o.kiosks = parse_list(v);
    else if (k == "--batches") o.batches = std::stoi(v);
    else if (k == "--records") o.records = std::stoi(v);
    else if (k == "--interval-ms") o.interval_ms = std::stoi(v);
    else if (k == "--floor-batches") o.floor_batches = std::stoi(v);
    else if (k == "--floor-page-size") o.floor_page_size = std::stoi(v);
    else if (k == "--dir") o.dir = v;
    else if (k == "--server-bin") o.server_bin = v;
    else if (k == "--runs") o.runs = std::max(1, std::stoi(v));
    else if (k == "--in-flight") o.in_flight = std::max(1, std::stoi(v));
    else if (k == "--warm-batches") o.warm_batches = std::max(0, std::stoi(v));
    else if (k == "--seal" && (v == "on" || v == "off")) o.seal = v == "on";
    else if (k == "--form" && (v == "compact" || v == "full")) o.form = v == "compact" ? ws::EnvelopeForm::Compact : ws::EnvelopeForm::Full;
    else {
      std::fprintf(stderr, "unknown option %s %s\n", k.c_str(), v.c_str());
      return 2;
    }
  }
  signal(SIGPIPE, SIG_IGN);
  ws::bench::check_load(o.allow_busy);
  // A --dir that does not exist made every figure silently 0: make it, or say why not.
  std::error_code dir_error;
  std::filesystem::create_directories(o.dir, dir_error);
  if (dir_error) {
    std::fprintf(stderr, "cannot make --dir %s: %s\n", o.dir.c_str(), dir_error.message().c_str());
    return 2;
  }
  std::printf("envelopes: %s%s; %d batch(es) in flight per kiosk; %d runs, the floor measured before each kiosk count in every run\n",
              o.form == ws::EnvelopeForm::Compact ? "compact (protocol 2)" : "full (protocol 1)",
              o.seal ? ", sealed items" : "", o.in_flight, o.runs);
  if (o.warm_batches > 0) {
    std::printf("each kiosk pushes %d untimed batch(es) first: the figures are a running server's\n", o.warm_batches);
  }
  struct Figures {
    std::vector<double> rate, p50, p99, ratio, cpu, bytes;
    long records = 0;
    int errors = 0;
  };
  std::vector<Figures> figures(o.kiosks.size());
  std::vector<double> floors;
  for (int run = 0; run < o.runs; ++run) {
    for (std::size_t i = 0; i < o.kiosks.size(); ++i) {
      const double floor = floor_records_per_second(o, o.dir);
      if (floor <= 0) {
        std::fprintf(stderr, "the SQLite floor could not be measured in %s\n", o.dir.c_str());
        return 1;
      }
      floors.push_back(floor);
      auto r = run_kiosks(o, o.kiosks[i], o.dir);
      const double rate = r.seconds > 0 ? r.records / r.seconds : 0;
      auto& f = figures[i];
      f.rate.push_back(rate);
      f.p50.push_back(percentile(r.latencies_ms, 0.50));
      f.p99.push_back(percentile(r.latencies_ms, 0.99));
      f.ratio.push_back(floor > 0 ? rate / floor : 0);
      f.cpu.push_back(r.server_cpu_s);
      f.bytes.push_back(r.db_bytes_per_record);
      f.records = r.records;
      f.errors += r.errors;
      std::printf("run %d: %d kiosks %.0f records/s, floor %.0f records/s, %.2f x floor, errors %d,"
                  " server CPU %.2f s, %.0f B per record in the database, senders' CPU %.2f s\n",
                  run + 1, o.kiosks[i], rate, floor, f.ratio.back(), r.errors, r.server_cpu_s, r.db_bytes_per_record,
                  r.sender_cpu_s);
      std::fflush(stdout);
    }
  }
  std::printf("\nfloor (plain SQLite, %d rows/tx, synchronous=FULL): median %.0f records/s\n", o.records,
              ws::bench::median(floors));
  std::printf("%8s %10s %12s %10s %10s %8s %8s %10s %10s   (medians of %d)\n", "kiosks", "records", "records/s",
              "p50 ms", "p99 ms", "errors", "x floor", "server s", "B/record", o.runs);
  bool failed = false;
  for (std::size_t i = 0; i < o.kiosks.size(); ++i) {
    const auto& f = figures[i];
    std::printf("%8d %10ld %12.0f %10.1f %10.1f %8d %8.2f %10.2f %10.0f\n", o.kiosks[i], f.records,
                ws::bench::median(f.rate), ws::bench::median(f.p50), ws::bench::median(f.p99), f.errors,
                ws::bench::median(f.ratio), ws::bench::median(f.cpu), ws::bench::median(f.bytes));
    failed = failed || f.errors != 0;
  }
  return failed ? 1 : 0;
}

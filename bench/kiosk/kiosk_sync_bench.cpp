// Kiosk sync benchmark: a backlog of ~1 KB intake records pushed from a kiosk data folder to
// the real sync-server on loopback, the same records pulled by a new kiosk, and single saves.
// Prints medians over the runs of: push and initial pull against the raw SQLite floor measured
// in the same run (same envelope texts as sent, same transaction size, WAL, synchronous=FULL),
// bytes on the wire per record, the envelope size against its answers' JSON, and the p50/p99
// of one counsellor save through the kiosk store (call to durable commit).
//
//   kiosk_sync_bench [--records 20000] [--runs 5] [--batch 1000] [--saves 200] [--seal on|off]
//                    [--pull-vault none,open,locked] [--pull-limit N] [--push-depth N] [--allow-busy]
//                    [--server-bin PATH]
//
// --seal off pushes plain JSON (as a kiosk that has not learnt the server's key does), to
// measure what sealing to the server's key (ws/push_seal.hpp) costs; on is what kiosks do: each
// record is sealed when it is saved (outside the timed push), the push sends the sealed items.
//
// --pull-vault lists the vault states the initial pull is timed in, each into its own new kiosk:
// none (a kiosk nobody has signed in to yet, records stored plain: what a kiosk's first pull
// after enrolment meets), open (a counsellor signed in: each record encrypted under the data
// key) and locked (sealed for the vault's public key, one key exchange per page, page_key.hpp).
// The first state listed is the "initial pull" line; each state also prints the CPU the kiosk
// process and the server used, and locked also the next sign-in's merge (unlock and settle).
// --pull-limit sets the page size the kiosk asks for (RoundOptions::pull_limit; its default if
// not given), to compare page sizes with one binary. --push-depth sets how many push batches go
// out before the oldest one's verdict is in (RoundOptions::push_depth; its default if not given).
// --server-bin starts another build's sync-server, to compare two servers with one kiosk.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "bench/bench_common.hpp"
#include "kiosk/core/store/store.hpp"
#include "kiosk/core/store/vault.hpp"
#include "kiosk/core/sync/sync_round.hpp"
#include "kiosk/core/sync/transport.hpp"
#include "tests/e2e/kiosk/fault_proxy.hpp"
#include "tests/e2e/kiosk/harness.hpp"
#include "ws/ids.hpp"

using namespace ws;
using namespace ws::e2e;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

using ws::bench::median;

enum class VaultState { None, Open, Locked };

const char* name_of(VaultState v) { return v == VaultState::None ? "none" : v == VaultState::Open ? "open" : "locked"; }

struct PullRun {
  double wall_s = 0;
  double kiosk_cpu_s = 0;   // this process (the kiosk's store and transport), user + system
  double server_cpu_s = 0;  // the sync-server process
  double merge_s = 0;       // locked only: the next sign-in's unlock and settle (what waited sealed merged)
  double merge_cpu_s = 0;
};

struct Run {
  double push_s = 0;         // in-process push (SyncRound) straight to the server
  double push_kiosk_cpu_s = 0;   // the kiosk side's CPU during the push (this process: store, round, proxy)
  double push_server_cpu_s = 0;  // the server process's CPU during the push
  ws::bench::ProcessCounters push_kiosk;  // this process during the push: user/system, faults, I/O calls
  kiosk::PushTimings push_time;  // the round thread's wall time: freezing, waiting for replies, acknowledging
  double push_wal_frames = 0;    // pages the push wrote to the kiosk's WAL (wal_frames_since)
  double pull_s = 0;         // a new kiosk's initial pull of the same records (first vault state)
  std::vector<PullRun> pulls;  // one per vault state asked for
  double cli_sync_s = 0;     // `kiosk sync` on a second identical backlog: push + pull, process start included
  double floor_s = 0;        // raw SQLite inserts of the same envelopes
  double raw_json_bytes = 0; // sum of the records' envelope JSON as sent (compact)
  double full_json_bytes = 0;  // the same envelopes in protocol 1's full form
  double answers_bytes = 0;  // sum of the records' answers (payload) JSON
  double wire_bytes = 0;     // push, both directions through the counting proxy, headers included
  double pull_wire_bytes = 0;  // the initial pull, likewise
  std::vector<double> save_ms;  // one counsellor save each
  std::size_t records = 0;
};

struct Sizes {
  double envelope = 0, full = 0, answers = 0;
};

void die(const std::string& what) {
  std::fprintf(stderr, "bench: %s\n", what.c_str());
  std::exit(1);
}

// The WAL file's size in frames (a 24-byte header and a 4 KiB page each, after a 32-byte
// header). A push defers checkpoints until the WAL holds 64 MiB (Store::defer_checkpoints), so
// the growth of the file across a push is the number of pages it wrote, as long as it stays
// below that.
double wal_frames(const std::string& data_dir) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(kiosk::Store::database_path(data_dir) + "-wal", ec);
  return ec || size < 32 ? 0.0 : static_cast<double>(size - 32) / (24 + 4096);
}

void seed(const std::string& data_dir, int count, int salt) {
  auto store = kiosk::Store::open(data_dir);
  if (!store) die(store.error().message);
  std::vector<kiosk::Store::NewRecord> batch;
  batch.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) batch.push_back({"intake", intake(salt + i), 1});
  if (auto ids = (*store)->save_all(batch); !ids) die(ids.error().message);
}

// The same envelopes a push carries (compact, as protocol 2 sends them), inserted straight into
// SQLite: the floor.
double sqlite_floor(const std::string& data_dir, const std::string& floor_db, std::size_t batch, Sizes& sizes) {
  auto store = kiosk::Store::open(data_dir);
  if (!store) die(store.error().message);
  std::vector<std::string> json;
  sizes = {};
  for (int offset = 0;; offset += 10000) {
    auto page = (*store)->list({.kind = "intake", .limit = 10000, .offset = offset});
    if (!page) die(page.error().message);
    if (page->empty()) break;
    for (const auto& r : *page) {
      json.push_back(to_json(r.envelope, EnvelopeForm::Compact).dump());
      sizes.envelope += static_cast<double>(json.back().size());
      sizes.full += static_cast<double>(to_json(r.envelope).dump().size());
      sizes.answers += static_cast<double>(r.envelope.payload.dump().size());
    }
  }
  auto db = sql::Connection::open(floor_db);
  if (!db) die(db.error().message);
  if (!db->exec("CREATE TABLE records(id TEXT PRIMARY KEY, body TEXT NOT NULL)")) die("floor schema");
  const auto t = Clock::now();
  for (std::size_t i = 0; i < json.size(); i += batch) {
    auto tx = sql::Transaction::begin(*db);
    if (!tx) die(tx.error().message);
    auto st = db->prepare("INSERT INTO records(id, body) VALUES(?1, ?2)");
    if (!st) die(st.error().message);
    for (std::size_t k = i; k < std::min(json.size(), i + batch); ++k) {
      st->reset();
      if (!st->bind(1, new_uuid_v7()).bind(2, json[k]).run()) die("floor insert");
    }
    if (!tx->commit()) die("floor commit");
  }
  return seconds_since(t);
}

// What the health check at the start of every real round does: learn the server's sealing key.
void learn_seal_key(kiosk::Store& store, kiosk::Transport& transport) {
  kiosk::HttpRequest req;
  req.path = protocol::kRouteHealth;
  auto reply = transport.send(req);
  if (!reply || reply->server_seal_key.empty()) die("the server named no sealing key");
  if (!store.set_server_seal_key(reply->server_seal_key)) die("could not store the sealing key");
}

// A new kiosk's data folder in `state`: the vault made (cheap KDF: not what is timed) and left
// open in this process, or locked again.
void prepare_vault(const std::string& data_dir, VaultState state) {
  if (state == VaultState::None) return;
  auto store = kiosk::Store::open(data_dir);
  if (!store) die(store.error().message);
  kiosk::vault::set_kdf_limits({1, 64 * 1024});
  if (auto s = kiosk::vault::add_copy(**store, "bench-counsellor", "402718"); !s) die(s.error().message);
  if (state == VaultState::Locked) kiosk::vault::lock(data_dir);
}

// The timed initial pull of everything the centre holds into the new kiosk at `data_dir`.
PullRun timed_pull(const std::string& data_dir, const std::string& url, const Server& server, FaultProxy& proxy,
                   std::size_t records, VaultState state, int pull_limit, double& wire_bytes) {
  auto store = kiosk::Store::open(data_dir);
  if (!store) die(store.error().message);
  auto transport = kiosk::make_http_transport(url);
  if (!transport) die(transport.error().message);
  kiosk::RoundOptions options{};
  if (pull_limit > 0) options.pull_limit = pull_limit;
  kiosk::SyncRound round(**store, **transport, options);
  proxy.reset_counters();
  const std::string server_pid = std::to_string(server.pid());
  const double kiosk_cpu = ws::bench::cpu_seconds(), server_cpu = ws::bench::cpu_seconds(server_pid);
  const auto t = Clock::now();
  auto pulled = round.pull();
  PullRun r;
  r.wall_s = seconds_since(t);
  r.kiosk_cpu_s = ws::bench::cpu_seconds() - kiosk_cpu;
  r.server_cpu_s = ws::bench::cpu_seconds(server_pid) - server_cpu;
  wire_bytes = static_cast<double>(proxy.bytes_up() + proxy.bytes_down());
  if (!pulled || *pulled < records) die("pull incomplete: " + (pulled ? std::to_string(*pulled) : pulled.error().message));
  if (state == VaultState::Locked) {
    // The sign-in after a locked pull: unlock (cheap KDF here) and settle what was sealed.
    const double cpu = ws::bench::cpu_seconds();
    const auto t0 = Clock::now();
    if (auto s = kiosk::vault::unlock(**store, "bench-counsellor", "402718"); !s) die(s.error().message);
    kiosk::vault::settle_after_unlock(**store);
    r.merge_s = seconds_since(t0);
    r.merge_cpu_s = ws::bench::cpu_seconds() - cpu;
  }
  kiosk::vault::lock(data_dir);
  return r;
}

// A kiosk that never learnt the key (enrolled against an older server): rows wait plain.
void forget_seal_key(const std::string& data_dir) {
  auto store = kiosk::Store::open(data_dir);
  if (!store || !(*store)->set_server_seal_key("")) die("could not forget the sealing key");
}

Run one_run(int records, std::size_t batch, int saves, int run_index, bool seal, const std::vector<VaultState>& vaults,
            int pull_limit, std::size_t push_depth) {
  TempDir dir;
  Server server(dir.sub("server.db"));
  server.start();
  Run r;
  r.records = static_cast<std::size_t>(records);

  // 1. In-process push: store -> batches -> gzip -> HTTP -> server (fsync) -> ack (fsync),
  // through a pass-through proxy that counts every byte on the wire (headers included).
  FaultProxy proxy;
  proxy.set_upstream(server.port());
  const std::string via_proxy = "http://127.0.0.1:" + std::to_string(proxy.port());
  Kiosk k{dir.sub("push")};
  k.enroll(server, "OSLO", via_proxy);
  // New kiosks of the same centre, enrolled before the push (enrolling pulls), one per state.
  std::vector<Kiosk> fresh;
  for (VaultState v : vaults) {
    fresh.push_back(Kiosk{dir.sub(std::string("pull-") + name_of(v))});
    fresh.back().enroll(server, "OSLO", via_proxy);
    prepare_vault(fresh.back().data_dir, v);
  }
  if (!seal) forget_seal_key(k.data_dir);  // the enrolment taught it; saves would seal
  seed(k.data_dir, records, run_index * 1000000);
  Sizes sizes;
  r.floor_s = sqlite_floor(k.data_dir, dir.sub("floor.db"), batch, sizes);
  r.raw_json_bytes = sizes.envelope;
  r.full_json_bytes = sizes.full;
  r.answers_bytes = sizes.answers;
  {
    auto store = kiosk::Store::open(k.data_dir);
    if (!store) die(store.error().message);
    auto transport = kiosk::make_http_transport(via_proxy);
    if (!transport) die(transport.error().message);
    if (seal) learn_seal_key(**store, **transport);
    kiosk::RoundOptions o;
    o.batch.max_records = batch;
    if (push_depth > 0) o.push_depth = push_depth;
    kiosk::SyncRound round(**store, **transport, o);
    proxy.reset_counters();
    const double wal0 = wal_frames(k.data_dir);
    const std::string server_pid = std::to_string(server.pid());
    const double kiosk_cpu0 = ws::bench::cpu_seconds(), server_cpu0 = ws::bench::cpu_seconds(server_pid);
    const auto counters0 = ws::bench::process_counters();
    const auto t = Clock::now();
    auto report = round.push();
    r.push_s = seconds_since(t);
    r.push_kiosk = ws::bench::process_counters() - counters0;
    r.push_kiosk_cpu_s = ws::bench::cpu_seconds() - kiosk_cpu0;
    r.push_server_cpu_s = ws::bench::cpu_seconds(server_pid) - server_cpu0;
    r.wire_bytes = static_cast<double>(proxy.bytes_up() + proxy.bytes_down());
    if (!report || report->accepted != r.records) die("push incomplete: " + (report ? std::string("count") : report.error().message));
    r.push_time = report->push_time;
    r.push_wal_frames = wal_frames(k.data_dir) - wal0;
    // One counsellor save at a time, from the call to its durable commit (fsync).
    for (int i = 0; i < saves; ++i) {
      const auto s0 = Clock::now();
      if (auto id = (*store)->save("intake", intake(run_index * 1000000 + 900000 + i)); !id) die(id.error().message);
      r.save_ms.push_back(seconds_since(s0) * 1000);
    }
  }

  // 2. Each new kiosk pulls everything the first one pushed.
  for (std::size_t i = 0; i < fresh.size(); ++i) {
    double wire = 0;
    r.pulls.push_back(
        timed_pull(fresh[i].data_dir, via_proxy, server, proxy, r.records, vaults[i], pull_limit, wire));
    if (i == 0) {
      r.pull_s = r.pulls.back().wall_s;
      r.pull_wire_bytes = wire;
    }
  }

  // 3. The same size of backlog with the real `kiosk sync` command (another centre, so its
  // pull does not also bring back the first kiosk's records): process start, push and pull.
  Kiosk c{dir.sub("cli")};
  c.enroll(server, "BERGEN");
  seed(c.data_dir, records, run_index * 1000000 + 500000);
  const auto t = Clock::now();
  auto res = c.cli({"sync", "--batch-records", std::to_string(batch)});
  r.cli_sync_s = seconds_since(t);
  if (res.code != 0) die("kiosk sync failed: " + res.err);
  return r;
}

std::vector<VaultState> parse_vault_states(const std::string& list) {
  std::vector<VaultState> states;
  std::istringstream in(list);
  std::string name;
  while (std::getline(in, name, ',')) {
    if (name == "none") states.push_back(VaultState::None);
    else if (name == "open") states.push_back(VaultState::Open);
    else if (name == "locked") states.push_back(VaultState::Locked);
    else die("--pull-vault takes none, open and locked, separated by commas");
  }
  return states;
}

}  // namespace

int main(int argc, char** argv) {
  int records = 20000, runs = 5, saves = 200, pull_limit = 0, push_depth = 0;
  std::size_t batch = 1000;
  bool seal = true;
  std::vector<VaultState> vaults{VaultState::None, VaultState::Open, VaultState::Locked};
  const bool allow_busy = ws::bench::parse_options(argc, argv, [&](const std::string& name, const char* value) {
    if (name == "--records") records = std::atoi(value);
    else if (name == "--runs") runs = std::atoi(value);
    else if (name == "--batch") batch = static_cast<std::size_t>(std::atoi(value));
    else if (name == "--saves") saves = std::atoi(value);
    else if (name == "--seal") seal = std::string(value) != "off";
    else if (name == "--pull-vault") vaults = parse_vault_states(value);
    else if (name == "--pull-limit") pull_limit = std::atoi(value);
    else if (name == "--push-depth") push_depth = std::atoi(value);
    else if (name == "--server-bin") ws::e2e::use_server_bin(value);
    else return false;
    return true;
  });
  if (records < 1 || runs < 1 || batch < 1 || batch > 1000 || saves < 1 || vaults.empty() || pull_limit < 0 ||
      push_depth < 0 || push_depth > 8)
    die("bad arguments");
  ws::bench::check_load(allow_busy);

  std::vector<std::vector<double>> by_vault_s(vaults.size()), by_vault_ratio(vaults.size()),
      by_vault_kiosk_cpu(vaults.size()), by_vault_server_cpu(vaults.size()), by_vault_merge(vaults.size()),
      by_vault_merge_cpu(vaults.size());
  std::vector<double> push, pull, cli, floor, push_ratio, pull_ratio, raw, wire, pull_wire, env_ratio, full_ratio, saves_ms;
  std::vector<double> kiosk_cpu, server_cpu, freeze, wait, ack, wal;
  for (int i = 0; i < runs; ++i) {
    const Run r = one_run(records, batch, saves, i, seal, vaults, pull_limit, static_cast<std::size_t>(push_depth));
    const double n = static_cast<double>(r.records);
    push.push_back(r.push_s);
    pull.push_back(r.pull_s);
    cli.push_back(r.cli_sync_s);
    floor.push_back(r.floor_s);
    push_ratio.push_back(r.floor_s / r.push_s);
    pull_ratio.push_back(r.floor_s / r.pull_s);
    raw.push_back(r.raw_json_bytes / n);
    wire.push_back(r.wire_bytes / n);
    pull_wire.push_back(r.pull_wire_bytes / n);
    env_ratio.push_back(r.raw_json_bytes / r.answers_bytes);
    full_ratio.push_back(r.full_json_bytes / r.answers_bytes);
    saves_ms.insert(saves_ms.end(), r.save_ms.begin(), r.save_ms.end());
    kiosk_cpu.push_back(r.push_kiosk_cpu_s);
    server_cpu.push_back(r.push_server_cpu_s);
    freeze.push_back(r.push_time.freeze_s);
    wait.push_back(r.push_time.wait_s);
    ack.push_back(r.push_time.ack_s);
    wal.push_back(r.push_wal_frames);
    for (std::size_t v = 0; v < vaults.size(); ++v) {
      by_vault_s[v].push_back(r.pulls[v].wall_s);
      by_vault_ratio[v].push_back(r.floor_s / r.pulls[v].wall_s);
      by_vault_kiosk_cpu[v].push_back(r.pulls[v].kiosk_cpu_s);
      by_vault_server_cpu[v].push_back(r.pulls[v].server_cpu_s);
      by_vault_merge[v].push_back(r.pulls[v].merge_s);
      by_vault_merge_cpu[v].push_back(r.pulls[v].merge_cpu_s);
    }
    std::printf("run %d: push %.3f s (%.2f x floor), initial pull %.3f s (%.2f x floor), kiosk sync %.3f s, "
                "sqlite floor %.3f s (%.0f rec/s)\n",
                i + 1, r.push_s, r.floor_s / r.push_s, r.pull_s, r.floor_s / r.pull_s, r.cli_sync_s, r.floor_s,
                n / r.floor_s);
    std::printf("       push CPU: kiosk %.3f s, server %.3f s; round thread: freezing %.3f s, waiting %.3f s, "
                "acknowledging %.3f s; kiosk WAL frames %.0f\n",
                r.push_kiosk_cpu_s, r.push_server_cpu_s, r.push_time.freeze_s, r.push_time.wait_s, r.push_time.ack_s,
                r.push_wal_frames);
    // Read and write calls are the kernel's file reads and writes (the WAL, the checkpoint): the
    // transport's and the counting proxy's socket send and recv are not among them.
    const auto& k = r.push_kiosk;
    std::printf("       push, this process: user %.3f s, system %.3f s; per 1,000 records: %.0f minor faults, "
                "%.0f read calls, %.0f write calls, %.0f KB by write calls, %.0f KB to storage\n",
                k.user_s, k.system_s, 1000 * k.minor_faults / n, 1000 * k.read_calls / n, 1000 * k.write_calls / n,
                k.written_bytes / n, k.storage_bytes / n);
    std::fflush(stdout);
  }
  const double mp = median(push), mpl = median(pull), mc = median(cli), mf = median(floor);
  std::printf("\nrecords: %d, batch: %zu, runs: %d, push sealed: %s (medians; ratios are taken within each run)\n", records, batch,
              runs, seal ? "on" : "off");
  std::printf("push (engine -> server, fsync both sides):        %.3f s, %6.0f records/s, %.2f x floor\n", mp,
              records / mp, median(push_ratio));
  std::printf("push CPU, kiosk / server: %.3f s / %.3f s; round thread: freezing %.3f s, waiting %.3f s, acknowledging %.3f s\n",
              median(kiosk_cpu), median(server_cpu), median(freeze), median(wait), median(ack));
  std::printf("push, pages written to the kiosk's WAL: %.0f (%.0f per 1,000 records)\n", median(wal),
              1000.0 * median(wal) / records);
  std::printf("initial pull by a new kiosk, vault %s (fsync per page): %.3f s, %6.0f records/s, %.2f x floor\n", name_of(vaults.front()), mpl,
              records / mpl, median(pull_ratio));
  for (std::size_t v = 0; v < vaults.size(); ++v) {
    std::printf("  pull, vault %-6s: %.3f s, %6.0f records/s, %.2f x floor; CPU kiosk %.3f s, server %.3f s\n",
                name_of(vaults[v]), median(by_vault_s[v]), records / median(by_vault_s[v]), median(by_vault_ratio[v]),
                median(by_vault_kiosk_cpu[v]), median(by_vault_server_cpu[v]));
    if (vaults[v] == VaultState::Locked) {
      std::printf("    then the sign-in merging them (unlock + settle): %.3f s, CPU %.3f s\n", median(by_vault_merge[v]),
                  median(by_vault_merge_cpu[v]));
    }
  }
  std::printf("kiosk sync command (process, push + pull):        %.3f s, %6.0f records/s\n", mc, records / mc);
  std::printf("raw SQLite floor (same envelopes, tx size, FULL):  %.3f s, %6.0f records/s, 1.00\n", mf, records / mf);
  std::printf("envelope: %.0f B per record as sent, %.2f x its answers' JSON (protocol 1's full form: %.2f x)\n",
              median(raw), median(env_ratio), median(full_ratio));
  std::printf("on the wire per record: push %.0f B (%.1f%% of the envelope JSON), initial pull %.0f B (%.1f%%)\n",
              median(wire), 100.0 * median(wire) / median(raw), median(pull_wire),
              100.0 * median(pull_wire) / median(raw));
  std::printf("one counsellor save (kiosk store, call to durable commit), %zu saves: p50 %.2f ms, p99 %.2f ms\n",
              saves_ms.size(), ws::bench::percentile(saves_ms, 0.50), ws::bench::percentile(saves_ms, 0.99));
  return 0;
}

// Kiosk sync benchmark: a backlog of ~1 KB intake records pushed from a kiosk data folder to
// the real sync-server on loopback. Prints wall time, records/s, bytes on the wire per record
// versus the raw JSON, and the raw SQLite floor (same rows, same transaction size, fsync).
//
//   kiosk_sync_bench [--records 20000] [--runs 3] [--batch 1000] [--seal on|off]
//
// --seal off pushes plain JSON (as a kiosk that has not learnt the server's key does), to
// measure what sealing batches to the server's key (ws/push_seal.hpp) costs; on is what kiosks do.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "kiosk/core/store/store.hpp"
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

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

struct Run {
  double push_s = 0;         // in-process push (SyncRound) straight to the server
  double cli_sync_s = 0;     // `kiosk sync` on a second identical backlog: push + pull, process start included
  double floor_s = 0;        // raw SQLite inserts of the same envelopes
  double raw_json_bytes = 0; // sum of the records' JSON as sent
  double wire_bytes = 0;     // both directions through the counting proxy, headers included
  std::size_t records = 0;
};

void die(const std::string& what) {
  std::fprintf(stderr, "bench: %s\n", what.c_str());
  std::exit(1);
}

void seed(const std::string& data_dir, int count, int salt) {
  auto store = kiosk::Store::open(data_dir);
  if (!store) die(store.error().message);
  std::vector<kiosk::Store::NewRecord> batch;
  batch.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) batch.push_back({"intake", intake(salt + i), 1});
  if (auto ids = (*store)->save_all(batch); !ids) die(ids.error().message);
}

// The same envelopes a push carries, inserted straight into SQLite: the floor.
double sqlite_floor(const std::string& data_dir, const std::string& floor_db, std::size_t batch, double& raw_bytes) {
  auto store = kiosk::Store::open(data_dir);
  if (!store) die(store.error().message);
  std::vector<std::string> json;
  for (int offset = 0;; offset += 10000) {
    auto page = (*store)->list({.kind = "intake", .limit = 10000, .offset = offset});
    if (!page) die(page.error().message);
    if (page->empty()) break;
    for (const auto& r : *page) json.push_back(to_json(r.envelope).dump());
  }
  raw_bytes = 0;
  for (const auto& j : json) raw_bytes += static_cast<double>(j.size());
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

Run one_run(int records, std::size_t batch, int run_index, bool seal) {
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
  seed(k.data_dir, records, run_index * 1000000);
  r.floor_s = sqlite_floor(k.data_dir, dir.sub("floor.db"), batch, r.raw_json_bytes);
  {
    auto store = kiosk::Store::open(k.data_dir);
    if (!store) die(store.error().message);
    auto transport = kiosk::make_http_transport(via_proxy);
    if (!transport) die(transport.error().message);
    if (seal) learn_seal_key(**store, **transport);
    kiosk::RoundOptions o;
    o.batch.max_records = batch;
    kiosk::SyncRound round(**store, **transport, o);
    proxy.reset_counters();
    const auto t = Clock::now();
    auto report = round.push();
    r.push_s = seconds_since(t);
    r.wire_bytes = static_cast<double>(proxy.bytes_up() + proxy.bytes_down());
    if (!report || report->accepted != r.records) die("push incomplete: " + (report ? std::string("count") : report.error().message));
  }

  // 2. The same size of backlog with the real `kiosk sync` command (another centre, so its
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

}  // namespace

int main(int argc, char** argv) {
  int records = 20000, runs = 3;
  std::size_t batch = 1000;
  bool seal = true;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--records") records = std::atoi(argv[i + 1]);
    else if (a == "--runs") runs = std::atoi(argv[i + 1]);
    else if (a == "--batch") batch = static_cast<std::size_t>(std::atoi(argv[i + 1]));
    else if (a == "--seal") seal = std::string(argv[i + 1]) != "off";
    else die("unknown option " + a);
  }
  if (records < 1 || runs < 1 || batch < 1 || batch > 1000) die("bad arguments");

  std::vector<double> push, cli, floor, ratio, per_record_raw, per_record_wire;
  for (int i = 0; i < runs; ++i) {
    const Run r = one_run(records, batch, i, seal);
    push.push_back(r.push_s);
    cli.push_back(r.cli_sync_s);
    floor.push_back(r.floor_s);
    per_record_raw.push_back(r.raw_json_bytes / static_cast<double>(r.records));
    per_record_wire.push_back(r.wire_bytes / static_cast<double>(r.records));
    ratio.push_back(r.wire_bytes / r.raw_json_bytes);
    std::printf("run %d: push %.3f s (%.0f rec/s), kiosk sync %.3f s, sqlite floor %.3f s (%.0f rec/s), wire %.1f%% of raw\n",
                i + 1, r.push_s, records / r.push_s, r.cli_sync_s, r.floor_s, records / r.floor_s,
                100.0 * r.wire_bytes / r.raw_json_bytes);
  }
  const double mp = median(push), mc = median(cli), mf = median(floor);
  std::printf("\nrecords: %d, batch: %zu, runs: %d (medians), push sealed: %s\n", records, batch, runs, seal ? "on" : "off");
  std::printf("push (in-process engine -> server, fsync both sides): %.3f s, %.0f records/s\n", mp, records / mp);
  std::printf("kiosk sync command (process, push + pull):            %.3f s, %.0f records/s\n", mc, records / mc);
  std::printf("raw SQLite floor (same envelopes, same tx size, FULL): %.3f s, %.0f records/s\n", mf, records / mf);
  std::printf("push / floor throughput: %.2f\n", mf / mp);
  std::printf("raw JSON per record: %.0f B; on the wire per record: %.0f B (%.1f%% of raw)\n", median(per_record_raw),
              median(per_record_wire), 100.0 * median(ratio));
  return 0;
}

// What sealing each outbox row to the server's key at save time costs (docs/performance.md,
// "Kiosk encryption at rest"): the same ~1 KB intake records saved into a kiosk store that
// knows a server key (every outbox row gets its sealed copy) and into one that does not (rows
// wait plain, as before), alternating; then every batch frozen from each outbox.
//
//   outbox_seal_bench [--records 2000] [--runs 5] [--saves 200] [--allow-busy]
//
// No server and no network: only the store's own work is timed. Figures per record.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench/bench_common.hpp"
#include "kiosk/core/store/store.hpp"
#include "tests/support/records.hpp"
#include "tests/support/temp_dir.hpp"
#include "ws/push_seal.hpp"
#include "ws/sealing.hpp"

using namespace ws;
using Clock = std::chrono::steady_clock;

namespace {

void die(const std::string& what) {
  std::fprintf(stderr, "bench: %s\n", what.c_str());
  std::exit(1);
}

double us_since(Clock::time_point t) { return std::chrono::duration<double, std::micro>(Clock::now() - t).count(); }

struct Figures {
  double save_all_us = 0;  // per record, one transaction for all
  double save_us = 0;      // median of single saves (each its own durable commit)
  double freeze_us = 0;    // per record, every batch of 500 frozen
};

Figures one_run(int records, int saves, int salt, bool sealed) {
  test::TempDir dir;
  auto store = kiosk::Store::open(dir.path());
  if (!store) die(store.error().message);
  if (!(*store)->set_identity({.device_id = "bench-kiosk", .token = "t", .centre = "OSLO", .server_url = "https://x"})) {
    die("identity");
  }
  if (sealed) {
    auto server = seal::make_key_pair();
    if (!server || !(*store)->set_server_seal_key(server->public_key)) die("server key");
  }
  std::vector<kiosk::Store::NewRecord> batch;
  for (int i = 0; i < records; ++i) batch.push_back({"intake", test::intake_answers(salt + i), 1});
  Figures f;
  auto t = Clock::now();
  if (auto ids = (*store)->save_all(batch); !ids) die(ids.error().message);
  f.save_all_us = us_since(t) / records;
  std::vector<double> one;
  for (int i = 0; i < saves; ++i) {
    t = Clock::now();
    if (auto id = (*store)->save("intake", test::intake_answers(salt + records + i)); !id) die(id.error().message);
    one.push_back(us_since(t));
  }
  f.save_us = bench::median(one);
  t = Clock::now();
  std::size_t frozen = 0;
  for (;;) {
    auto b = (*store)->next_batch({.max_records = 500});
    if (!b) die(b.error().message);
    if (!*b) break;
    frozen += (*b)->record_count;
    // Dropped at once, so the next call freezes the next rows instead of offering this again.
    auto drop = (*store)->connection().prepare("DELETE FROM outbox_batches WHERE batch_id = ?1");
    if (!drop || !drop->bind(1, (*b)->batch_id).run()) die("drop batch");
  }
  f.freeze_us = us_since(t) / static_cast<double>(frozen);
  return f;
}

// push_seal::seal_item alone (deflate level 1 + XChaCha20-Poly1305) on each record's answers
// JSON (~0.8 KB, a little less than its envelope), per item.
double seal_item_us(int records, int salt) {
  auto server = seal::make_key_pair();
  if (!server) die("server key");
  std::vector<std::string> texts;
  for (int i = 0; i < records; ++i) texts.push_back(test::intake_answers(salt + i).dump());
  const auto t = Clock::now();
  for (const auto& text : texts)
    if (!push_seal::seal_item(server->public_key, "bench-kiosk", text)) die("seal_item");
  return us_since(t) / records;
}

}  // namespace

int main(int argc, char** argv) {
  int records = 2000, runs = 5, saves = 200;
  const bool allow_busy = ws::bench::parse_options(argc, argv, [&](const std::string& name, const char* value) {
    if (name == "--records") records = std::atoi(value);
    else if (name == "--runs") runs = std::atoi(value);
    else if (name == "--saves") saves = std::atoi(value);
    else return false;
    return true;
  });
  if (records < 1 || runs < 1 || saves < 1) die("bad arguments");
  bench::check_load(allow_busy);
  std::vector<double> all_on, all_off, one_on, one_off, freeze_on, freeze_off, item;
  for (int r = 0; r < runs; ++r) {
    const Figures off = one_run(records, saves, r * 100000, false);
    const Figures on = one_run(records, saves, r * 100000, true);
    all_off.push_back(off.save_all_us), all_on.push_back(on.save_all_us);
    one_off.push_back(off.save_us), one_on.push_back(on.save_us);
    freeze_off.push_back(off.freeze_us), freeze_on.push_back(on.freeze_us);
    item.push_back(seal_item_us(records, r * 100000));
    std::printf("run %d: save_all %.1f / %.1f us per record, save %.0f / %.0f us, freeze %.1f / %.1f us per record "
                "(plain / sealed)\n",
                r + 1, off.save_all_us, on.save_all_us, off.save_us, on.save_us, off.freeze_us, on.freeze_us);
    std::fflush(stdout);
  }
  std::printf("\nrecords: %d, saves: %d, runs: %d (medians; plain = no server key known, sealed = copy sealed at save)\n",
              records, saves, runs);
  std::printf("save_all, per record:            plain %7.1f us, sealed %7.1f us, +%.1f us\n", bench::median(all_off),
              bench::median(all_on), bench::median(all_on) - bench::median(all_off));
  std::printf("one save (durable commit):       plain %7.0f us, sealed %7.0f us\n", bench::median(one_off),
              bench::median(one_on));
  std::printf("freezing batches, per record:    plain %7.1f us, sealed %7.1f us\n", bench::median(freeze_off),
              bench::median(freeze_on));
  std::printf("seal_item alone, per record:     %7.1f us\n", bench::median(item));
  return 0;
}

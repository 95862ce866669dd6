// Kiosk encryption at rest benchmark (docs/performance.md "Kiosk encryption at rest"): sign-in
// to a usable case list with N cases whose records are encrypted (from the PIN typed: the PIN
// check and the vault key's unwrap, one Argon2id run since the copy is the check (vault::sign_in),
// then decrypt every record into the in-memory search index), the case list as the
// workspace reads it (every case, decrypted) and the first search after it, against the same folder kept plain; and one save
// through the store with no vault (plain), with the vault open (data key) and locked (sealed).
//
//   kiosk_vault_bench [--cases 10000] [--runs 3] [--saves 200] [--kdf real|fast] [--allow-busy]
//
// --kdf fast uses Argon2id's cheapest limits, to see the decryption part alone; real is the
// kiosk's (256 MiB), which a sign-in pays whatever the folder holds. The plain folder pays its
// PIN check against the pin_hash (the same Argon2id cost); "one pin_hash check" is the second
// run the two-hash form (schema 13) paid on top of the encrypted sign-in.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "bench/bench_common.hpp"
#include "kiosk/core/store/search_index.hpp"
#include "kiosk/core/store/store.hpp"
#include "kiosk/core/store/vault.hpp"
#include "ws/crypto.hpp"
#include "tests/support/temp_dir.hpp"

using namespace ws;
using namespace ws::kiosk;
using Clock = std::chrono::steady_clock;

namespace {

constexpr const char* kPin = "402718";

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

void die(const std::string& what) {
  std::fprintf(stderr, "bench: %s\n", what.c_str());
  std::exit(1);
}

template <class T>
T must(Result<T> r, const char* what) {
  if (!r) die(std::string(what) + ": " + r.error().message);
  return std::move(*r);
}

void must(const Status& s, const char* what) {
  if (!s) die(std::string(what) + ": " + s.error().message);
}

nlohmann::json case_answers(int n) {
  const std::string no = std::to_string(n);
  return {{"case_number", "OSL-" + no},
          {"given_name", (n % 7 ? "Person" : "Ahmad") + std::string("-") + no},
          {"family_name", "Family " + no},
          {"name_native", "احمد " + no},
          {"phone", "+47 900 " + no},
          {"status", "open"},
          {"notes", "Fictional case " + no + " made by the benchmark; nothing here is real."}};
}

std::unique_ptr<Store> open_enrolled(const std::string& dir) {
  auto store = must(Store::open(dir), "open");
  must(store->set_identity({"dev-bench", "tok", "OSLO", "fake://server"}), "identity");
  return store;
}

void seed(Store& store, int cases) {
  std::vector<Store::NewRecord> batch;
  for (int n = 0; n < cases; ++n) {
    batch.push_back({"case", case_answers(n), 1});
    if (batch.size() == 1000 || n + 1 == cases) {
      must(store.save_all(batch), "seed");
      batch.clear();
    }
  }
}

struct SignIn {
  double unlock_ms = 0, settle_ms = 0, first_page_ms = 0, first_search_ms = 0, search_ms = 0;
};

// The account's pin_hash and its check: the kiosk's Argon2id string, or with --kdf fast a
// stand-in that costs nothing.
struct PinHash {
  std::string hash;
  vault::HashCheck check;
};

// From the PIN typed, with a locked vault (or none), to the first page of cases and a search.
SignIn sign_in(const std::string& dir, bool encrypted, const PinHash& pin) {
  SignIn s;
  auto store = must(Store::open(dir), "reopen");
  auto t = Clock::now();
  if (encrypted) {
    auto checked = vault::sign_in(*store, "c1", pin.hash, kPin, pin.check);
    if (!checked.pin_ok) die("the PIN was refused");
    must(checked.opened, "unlock");
  } else if (!pin.check(pin.hash, kPin)) {
    die("the PIN was refused");
  }
  s.unlock_ms = ms_since(t);
  t = Clock::now();
  if (encrypted) vault::settle_after_unlock(*store);
  s.settle_ms = ms_since(t);
  t = Clock::now();
  // The workspace's case list reads every case (StoreWorkspaceData::cases).
  auto page = must(store->list({.kind = "case", .limit = 10000}), "list");
  s.first_page_ms = ms_since(t);
  if (page.size() < 100 || page.front().payload_locked) die("the case list is not readable");
  t = Clock::now();
  auto found = must(store->list({.kind = "case", .text = "ahm", .limit = 100}), "search");
  s.first_search_ms = ms_since(t);
  if (found.empty()) die("the search found nothing");
  t = Clock::now();
  (void)must(store->list({.kind = "case", .text = "family 12", .limit = 100}), "search");
  s.search_ms = ms_since(t);
  vault::lock(dir);
  search_index::drop(dir);
  return s;
}

std::vector<double> save_ms(Store& store, int saves) {
  std::vector<double> out;
  for (int i = 0; i < saves; ++i) {
    const auto t = Clock::now();
    must(store.save("case", case_answers(1'000'000 + i)), "save");
    out.push_back(ms_since(t));
  }
  return out;
}

void print_sign_in(const char* label, const std::vector<SignIn>& runs) {
  std::vector<double> unlock, settle, page, first, search, total;
  for (const auto& r : runs) {
    unlock.push_back(r.unlock_ms);
    settle.push_back(r.settle_ms);
    page.push_back(r.first_page_ms);
    first.push_back(r.first_search_ms);
    search.push_back(r.search_ms);
    total.push_back(r.unlock_ms + r.settle_ms + r.first_page_ms);
  }
  using ws::bench::median;
  std::printf("%-10s PIN check + unlock %8.1f ms  settle (decrypt + index) %8.1f ms  case list %6.1f ms  "
              "sign-in to list %8.1f ms  first search %7.1f ms  next search %7.1f ms\n",
              label, median(unlock), median(settle), median(page), median(total), median(first), median(search));
}

}  // namespace

int main(int argc, char** argv) {
  int cases = 10000, runs = 3, saves = 200;
  bool fast_kdf = false;
  const bool allow_busy = ws::bench::parse_options(argc, argv, [&](const std::string& name, const char* value) {
    if (name == "--cases") cases = std::atoi(value);
    else if (name == "--runs") runs = std::atoi(value);
    else if (name == "--saves") saves = std::atoi(value);
    else if (name == "--kdf") fast_kdf = std::string(value) == "fast";
    else return false;
    return true;
  });
  if (cases < 100 || runs < 1 || saves < 1) die("bad arguments (--cases at least 100)");
  ws::bench::check_load(allow_busy);
  if (fast_kdf) vault::set_kdf_limits({1, 64 * 1024});
  std::printf("cases %d, runs %d, kdf %s\n", cases, runs, fast_kdf ? "fast (1 pass, 64 KiB)" : "real (Argon2id 256 MiB)");

  ws::test::TempDir plain_dir("ws-bench-plain-"), sealed_dir("ws-bench-vault-");
  auto plain = open_enrolled(plain_dir.path());
  auto sealed = open_enrolled(sealed_dir.path());
  PinHash pin{kPin, [](const std::string& hash, const std::string& secret) { return hash == secret; }};
  if (!fast_kdf) pin = PinHash{must(crypto::hash_password(kPin), "pin_hash"), crypto::verify_password};
  must(vault::add_copy(*sealed, "c1", kPin, pin.hash), "vault");
  seed(*plain, cases);
  seed(*sealed, cases);

  const auto plain_saves = save_ms(*plain, saves);
  const auto open_saves = save_ms(*sealed, saves);
  vault::lock(sealed_dir.path());
  const auto locked_saves = save_ms(*sealed, saves);
  // The rows sealed while locked: re-encrypted under the data key by the first settle.
  std::printf("save p50: plain %.3f ms, vault open (data key) %.3f ms, vault locked (sealed) %.3f ms\n",
              ws::bench::median(plain_saves), ws::bench::median(open_saves), ws::bench::median(locked_saves));
  plain.reset();
  sealed.reset();

  std::vector<SignIn> plain_runs, sealed_runs;
  std::vector<double> hash_checks;
  for (int i = 0; i < runs; ++i) {
    plain_runs.push_back(sign_in(plain_dir.path(), false, pin));
    sealed_runs.push_back(sign_in(sealed_dir.path(), true, pin));
    const auto t = Clock::now();
    if (!pin.check(pin.hash, kPin)) die("the PIN was refused");
    hash_checks.push_back(ms_since(t));
  }
  std::printf("one pin_hash check (what the two-hash form paid again) %.1f ms\n", ws::bench::median(hash_checks));
  print_sign_in("plain", plain_runs);
  print_sign_in("encrypted", sealed_runs);
  return 0;
}

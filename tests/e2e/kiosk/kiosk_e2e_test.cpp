// The kiosk's command line against the real sync-server on loopback: several kiosks and
// centres, faults injected by a proxy, kill -9 of both sides, poison records, broken disks.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "kiosk/core/store/store.hpp"
#include "tests/e2e/kiosk/fault_proxy.hpp"
#include "tests/e2e/kiosk/harness.hpp"

using namespace ws::e2e;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> seed_intakes(const Kiosk& k, int count, int first) {
  auto store = ws::kiosk::Store::open(k.data_dir);
  REQUIRE(store);
  std::vector<ws::kiosk::Store::NewRecord> batch;
  for (int i = 0; i < count; ++i) batch.push_back({"intake", intake(first + i), 1});
  auto ids = (*store)->save_all(batch);
  REQUIRE(ids);
  return *ids;
}

std::set<std::string> ids_of(const nlohmann::json& envelopes) {
  std::set<std::string> ids;
  for (const auto& e : envelopes) ids.insert(e["id"].get<std::string>());
  return ids;
}

std::multiset<std::string> ids_of(const std::vector<nlohmann::json>& envelopes, const std::string& kind) {
  std::multiset<std::string> ids;
  for (const auto& e : envelopes)
    if (e.value("kind", "") == kind) ids.insert(e["id"].get<std::string>());
  return ids;
}

// Syncs until the kiosk reports everything sent (bounded).
void sync_until_clean(const Kiosk& k, int attempts = 10) {
  RunResult last;
  for (int i = 0; i < attempts; ++i) {
    last = k.cli({"sync", "--timeout-ms", "5000", "--batch-records", "50"});
    if (last.code == 0) return;
  }
  FAIL("kiosk never finished syncing: " << last.err);
}

}  // namespace

TEST_CASE("two kiosks of one centre share cases and merge concurrent edits and another centre sees nothing") {
  TempDir dir;
  Server server(dir.sub("server.db"));
  server.use_tls(dir.path());  // as deployed: TLS, each kiosk pinned to the certificate by its code
  server.start();
  Kiosk a{dir.sub("a")}, b{dir.sub("b")}, c{dir.sub("c")};
  a.enroll(server, "OSLO");
  b.enroll(server, "OSLO");
  c.enroll(server, "BERGEN");

  const std::string case_id = a.add("case", case_header(1), dir.path());
  const std::string intake_b = b.add("intake", intake(2), dir.path());
  const std::string intake_c = c.add("intake", intake(3), dir.path());
  for (const Kiosk* k : {&a, &b}) REQUIRE(k->cli({"sync"}).code == 0);
  // Oslo's pushes are not in Bergen's feed: c's push covers all it would pull, so its own
  // record does not come back to it.
  auto c_synced = c.cli({"sync", "--json"});
  REQUIRE(c_synced.code == 0);
  CHECK(nlohmann::json::parse(c_synced.out)["received"] == 0);
  REQUIRE(a.cli({"sync"}).code == 0);  // pick up b's record

  CHECK(ids_of(a.list("case")) == std::set<std::string>{case_id});
  CHECK(ids_of(b.list("case")) == std::set<std::string>{case_id});
  CHECK(ids_of(a.list("intake")) == std::set<std::string>{intake_b});
  CHECK(c.list("case").empty());
  CHECK(ids_of(c.list("intake")) == std::set<std::string>{intake_c});

  // Concurrent edits of one case: different fields both survive; on the same field the
  // later stamp (b's, made after a's) wins on every replica.
  write_file(dir.sub("ea.json"), R"({"status":"considering","counsellor":"counsellor-a"})");
  write_file(dir.sub("eb.json"), R"({"name_native":"Native name","counsellor":"counsellor-b"})");
  REQUIRE(a.cli({"edit", "--id", case_id, "--json", dir.sub("ea.json")}).code == 0);
  std::this_thread::sleep_for(5ms);  // distinct wall-clock stamps make the expected winner unambiguous
  REQUIRE(b.cli({"edit", "--id", case_id, "--json", dir.sub("eb.json")}).code == 0);
  REQUIRE(a.cli({"sync"}).code == 0);
  REQUIRE(b.cli({"sync"}).code == 0);
  REQUIRE(a.cli({"sync"}).code == 0);
  auto pa = a.list("case").at(0)["payload"];
  auto pb = b.list("case").at(0)["payload"];
  auto server_cases = server.export_records("case");
  REQUIRE(server_cases.size() == 1);
  CHECK(pa == pb);
  CHECK(pa == server_cases[0]["payload"]);
  CHECK(pa["status"] == "considering");
  CHECK(pa["name_native"] == "Native name");
  CHECK(pa["counsellor"] == "counsellor-b");
  CHECK(a.status()["pending"] == 0);
  CHECK(b.status()["pending"] == 0);
}

TEST_CASE("a poison record is quarantined with the server's reason and the other 999 arrive") {
  TempDir dir;
  Server server(dir.sub("server.db"));
  server.start();
  // This kiosk ships a form the server does not accept (a kind it does not know).
  fs::create_directories(dir.sub("assets/forms"));
  for (const auto& f : fs::directory_iterator(assets_dir() + "/forms")) fs::copy(f.path(), dir.sub("assets/forms"));
  write_file(dir.sub("assets/forms/survey.json"),
             R"({"id":"survey","version":1,"title":{"en":"Survey"},
                 "fields":[{"name":"answer","type":"text","label":{"en":"Answer"}}]})");
  Kiosk k{dir.sub("k"), dir.sub("assets")};
  k.enroll(server, "OSLO");
  auto good = seed_intakes(k, 500, 0);
  const std::string poison = k.add("survey", {{"answer", "anything"}}, dir.path());
  auto more = seed_intakes(k, 499, 500);
  good.insert(good.end(), more.begin(), more.end());

  auto r = k.cli({"sync", "--batch-records", "200"});
  CHECK(r.code == 3);
  CHECK(r.err.find("quarantined") != std::string::npos);
  auto on_server = ids_of(server.export_records(), "intake");
  CHECK(on_server.size() == 999);
  CHECK(std::set<std::string>(on_server.begin(), on_server.end()) == std::set<std::string>(good.begin(), good.end()));
  CHECK(ids_of(server.export_records(), "survey").empty());

  auto q = k.cli({"quarantined", "--json"});
  REQUIRE(q.code == 0);
  auto qj = nlohmann::json::parse(q.out);
  REQUIRE(qj.size() == 1);
  CHECK(qj[0]["id"] == poison);
  CHECK_FALSE(qj[0]["reason"].get<std::string>().empty());
  auto st = k.status();
  CHECK(st["pending"] == 0);
  CHECK(st["quarantined"] == 1);
  // It stays visible locally and never blocks later records.
  const std::string later = k.add("intake", intake(5000), dir.path());
  CHECK(k.cli({"sync"}).code == 3);
  CHECK(ids_of(server.export_records(), "intake").count(later) == 1);
}

TEST_CASE("faults and kill -9 on both sides: every record ends up on the server once and on every kiosk of its centre") {
  TempDir dir;
  Server server(dir.sub("server.db"));
  server.start();
  FaultProxy proxy;
  proxy.set_upstream(server.port());
  proxy.set_delay_ms(2500);
  const std::string via_proxy = "http://127.0.0.1:" + std::to_string(proxy.port());
  Kiosk a{dir.sub("a")}, b{dir.sub("b")}, other{dir.sub("other")};
  a.enroll(server, "OSLO", via_proxy);
  b.enroll(server, "OSLO", via_proxy);
  other.enroll(server, "BERGEN", via_proxy);  // the server's own port changes when it restarts

  std::set<std::string> oslo, bergen;
  for (auto& id : seed_intakes(a, 300, 0)) oslo.insert(id);
  for (auto& id : seed_intakes(b, 200, 300)) oslo.insert(id);
  for (auto& id : seed_intakes(other, 20, 900)) bergen.insert(id);

  std::mt19937_64 rng(20260110);
  proxy.set_fault_rate(0.5, 42);
  constexpr int kRounds = 24;
  int kiosk_kills = 0, server_kills = 0;
  for (int round = 0; round < kRounds; ++round) {
    CAPTURE(round);
    for (const Kiosk* k : {&a, &b}) {
      const int n = 1 + static_cast<int>(rng() % 3);
      for (int i = 0; i < n; ++i) oslo.insert(k->add("intake", intake(1000 + round * 10 + i), dir.path()));
    }
    for (const Kiosk* k : {&a, &b}) {
      Process sync(k->argv({"sync", "--timeout-ms", "1500", "--batch-records", "40"}));
      const bool kill_kiosk = rng() % 2 == 0;
      const bool kill_server = !kill_kiosk && rng() % 3 == 0;
      if (kill_kiosk || kill_server) {
        // A random moment during the sync.
        std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 400));
        if (kill_kiosk) {
          sync.kill9();
          ++kiosk_kills;
        } else {
          server.kill9();
          ++server_kills;
        }
      }
      REQUIRE(sync.wait_for(60s).has_value());
      if (kill_server) {
        server.start();
        proxy.set_upstream(server.port());
      }
    }
  }
  MESSAGE("kiosk kills: " << kiosk_kills << ", server kills: " << server_kills << ", proxy faults: " << proxy.faults());
  CHECK(proxy.faults() > 0);

  // Recovery: the network heals; every kiosk drains its outbox and pulls the others' work.
  proxy.set_fault_rate(0, 1);
  for (const Kiosk* k : {&a, &b, &other}) sync_until_clean(*k);
  for (const Kiosk* k : {&a, &b, &other}) sync_until_clean(*k);

  auto exported = server.export_records("intake");
  auto on_server = ids_of(exported, "intake");
  std::set<std::string> expected = oslo;
  expected.insert(bergen.begin(), bergen.end());
  CHECK(on_server.size() == expected.size());  // a multiset: any duplicate would show here
  CHECK(std::set<std::string>(on_server.begin(), on_server.end()) == expected);
  CHECK(ids_of(a.list("intake")) == oslo);
  CHECK(ids_of(b.list("intake")) == oslo);
  CHECK(ids_of(other.list("intake")) == bergen);
  for (const Kiosk* k : {&a, &b, &other}) {
    auto st = k->status();
    CHECK(st["pending"] == 0);
    CHECK(st["quarantined"] == 0);
  }
}

TEST_CASE("a read-only data folder: a clear error for saves, the kiosk keeps showing what it has") {
  if (geteuid() != 0) {
    MESSAGE("runs as root only (it drops to 'nobody' to make permissions bite); skipped");
    return;
  }
  TempDir dir;
  fs::permissions(dir.path(), fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec, fs::perm_options::replace);
  Server server(dir.sub("server.db"));
  server.start();
  Kiosk k{dir.sub("k")};
  k.enroll(server, "OSLO");
  const std::string id = k.add("intake", intake(1), dir.path());
  write_file(dir.sub("new.json"), intake(2).dump());
  fs::permissions(dir.sub("new.json"), fs::perms::owner_read | fs::perms::others_read, fs::perm_options::replace);

  // 'nobody' may not be able to reach the build tree (a clone under /root is mode 0700), so it
  // runs a copy of the kiosk and its assets from this test's own folder.
  fs::create_directories(dir.sub("bin"));
  fs::copy_file(k.binary, dir.sub("bin/kiosk"));
  fs::copy(k.assets, dir.sub("assets"), fs::copy_options::recursive);
  const auto world_readable = fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                              fs::perms::others_read | fs::perms::others_exec;
  for (const auto& entry : fs::recursive_directory_iterator(dir.sub("assets")))
    fs::permissions(entry.path(), entry.is_directory() ? world_readable : fs::perms::owner_read | fs::perms::owner_write |
                                                                              fs::perms::group_read | fs::perms::others_read,
                    fs::perm_options::replace);
  for (const char* sub : {"bin", "assets"}) fs::permissions(dir.sub(sub), world_readable, fs::perm_options::replace);
  fs::permissions(dir.sub("bin/kiosk"), world_readable, fs::perm_options::replace);
  Kiosk as_seen_by_nobody = k;
  as_seen_by_nobody.binary = dir.sub("bin/kiosk");
  as_seen_by_nobody.assets = dir.sub("assets");

  const uid_t nobody = 65534;
  REQUIRE(chown(k.data_dir.c_str(), nobody, nobody) == 0);
  REQUIRE(chown(ws::kiosk::Store::database_path(k.data_dir).c_str(), nobody, nobody) == 0);
  REQUIRE(chmod(ws::kiosk::Store::database_path(k.data_dir).c_str(), 0400) == 0);
  REQUIRE(chmod(k.data_dir.c_str(), 0500) == 0);

  SpawnOptions as_nobody{.run_as = nobody};
  auto listed = as_seen_by_nobody.cli({"list", "--kind", "intake", "--json"}, as_nobody);
  REQUIRE_MESSAGE(listed.code == 0, listed.err);
  CHECK(ids_of(nlohmann::json::parse(listed.out)) == std::set<std::string>{id});
  auto added = as_seen_by_nobody.cli({"add", "--kind", "intake", "--json", dir.sub("new.json")}, as_nobody);
  CHECK(added.code == 1);
  CHECK(added.err.find("read-only") != std::string::npos);
  CHECK(added.out.empty());
  auto status = as_seen_by_nobody.cli({"status", "--json", "--timeout-ms", "500"}, as_nobody);
  REQUIRE(status.code == 0);
  CHECK(nlohmann::json::parse(status.out)["read_only"] == true);
  CHECK(nlohmann::json::parse(status.out)["pending"] == 1);

  // Back to normal: nothing was damaged, the one record is still there and still goes out.
  REQUIRE(chmod(k.data_dir.c_str(), 0700) == 0);
  REQUIRE(chmod(ws::kiosk::Store::database_path(k.data_dir).c_str(), 0600) == 0);
  CHECK(ids_of(k.list("intake")) == std::set<std::string>{id});
  CHECK(k.cli({"sync"}).code == 0);
}

TEST_CASE("a full data folder: the save fails in words, nothing is corrupted, reading still works") {
  TempDir dir;
  Server server(dir.sub("server.db"));
  server.start();
  Kiosk k{dir.sub("k")};
  k.enroll(server, "OSLO");
  std::set<std::string> ids;
  for (int i = 0; i < 3; ++i) ids.insert(k.add("intake", intake(i), dir.path()));
  auto big = intake(99);
  big["interests_notes"] = std::string(3900, 'x');
  big["legal_status_notes"] = std::string(1900, 'y');
  big["vulnerabilities_notes"] = std::string(3900, 'z');
  big["vulnerabilities"] = {"elderly"};
  write_file(dir.sub("big.json"), big.dump());

  // The disk "fills up": no file of this process may grow past 40 KB (the WAL needs more).
  SpawnOptions full{.file_size_limit = 40 * 1024};
  auto added = k.cli({"add", "--kind", "intake", "--json", dir.sub("big.json")}, full);
  CHECK(added.code == 1);
  CHECK_MESSAGE((added.err.find("full") != std::string::npos || added.err.find("could not be written") != std::string::npos),
                added.err);
  auto listed = k.cli({"list", "--kind", "intake", "--json"}, full);
  REQUIRE_MESSAGE(listed.code == 0, listed.err);
  CHECK(ids_of(nlohmann::json::parse(listed.out)) == ids);

  // Space comes back: the database is sound, the three records are there and sync.
  auto store = ws::kiosk::Store::open(k.data_dir);
  REQUIRE(store);
  auto check = (*store)->connection().prepare("PRAGMA integrity_check");
  REQUIRE(check);
  REQUIRE(check->step());
  CHECK(check->column_text(0) == "ok");
  CHECK((*store)->pending_count().value() == 3);
  store->reset();
  CHECK(k.cli({"sync"}).code == 0);
  CHECK(ids_of(server.export_records("intake"), "intake").size() == 3);
}

TEST_CASE("a content bundle HQ publishes reaches the kiosk whole and becomes the one shown") {
  TempDir dir;
  Server server(dir.sub("server.db"));
  server.start();
  Kiosk k{dir.sub("k")};
  k.enroll(server, "OSLO");
  CHECK_FALSE(fs::exists(k.data_dir + "/content/current"));

  // HQ's edited copy of the shipped bundle: a new version with a changed heading.
  const std::string edited = dir.sub("avrr-info");
  fs::copy(assets_dir() + "/content/avrr-info", edited, fs::copy_options::recursive);
  auto bundle = nlohmann::json::parse(read_file(edited + "/bundle.json"));
  bundle["version"] = 2;
  write_file(edited + "/bundle.json", bundle.dump(1));
  auto published = server.publish("content", edited);
  CHECK(published["kind"] == "content");
  CHECK(published["version"] == 2);

  auto synced = k.cli({"sync"});
  REQUIRE_MESSAGE(synced.code == 0, synced.err);
  CHECK(synced.err.empty());
  const fs::path current = k.data_dir + "/content/current";
  REQUIRE(fs::is_symlink(current));
  const auto installed = nlohmann::json::parse(read_file((current / "bundle.json").string()));
  CHECK(installed["version"] == 2);
  // The images came embedded in the record and are back on disk next to bundle.json.
  CHECK(fs::exists(current / "images" / "support.png"));
  CHECK(fs::file_size(current / "images" / "support.png") == fs::file_size(edited + "/images/support.png"));

  // A broken bundle is refused at publish time: kiosks never receive it.
  bundle["version"] = 3;
  bundle.erase("languages");
  write_file(edited + "/bundle.json", bundle.dump(1));
  CHECK_THROWS(server.publish("content", edited));
  REQUIRE(k.cli({"sync"}).code == 0);
  CHECK(nlohmann::json::parse(read_file((current / "bundle.json").string()))["version"] == 2);
}

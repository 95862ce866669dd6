// Kiosks whose clock is days off, faked with libfaketime (LD_PRELOAD, Debian's `faketime`) so the
// shipped binary carries no test hook: the server's time in every reply corrects their stamps.
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "tests/e2e/kiosk/harness.hpp"

using namespace ws::e2e;

namespace {

constexpr long long kDayMs = 24LL * 3600 * 1000;

// A kiosk command run with its clock shifted by `shift` (faketime's syntax, e.g. "+3d").
RunResult skewed(const Kiosk& k, const std::string& shift, std::vector<std::string> args) {
#if defined(__SANITIZE_ADDRESS__)
  // In sanitizer builds the kiosk is instrumented too, and libfaketime, preloaded, comes before
  // ASan's runtime in the library list; ASan allows that when told.
  static const bool told = [] {
    const char* old = std::getenv("ASAN_OPTIONS");
    const std::string options = std::string(old ? old : "") + (old && *old ? ":" : "") + "verify_asan_link_order=0";
    return setenv("ASAN_OPTIONS", options.c_str(), 1) == 0;
  }();
  REQUIRE(told);
#endif
  std::vector<std::string> argv{"/usr/bin/faketime", "-f", shift};
  for (auto& a : k.argv(std::move(args))) argv.push_back(std::move(a));
  return run(argv);
}

nlohmann::json skewed_status(const Kiosk& k, const std::string& shift) {
  auto r = skewed(k, shift, {"status", "--json"});
  REQUIRE(r.code == 0);
  return nlohmann::json::parse(r.out);
}

std::string skewed_add(const Kiosk& k, const std::string& shift, const nlohmann::json& payload, const std::string& dir) {
  const std::string file = dir + "/skewed-" + std::to_string(payload.dump().size()) + ".json";
  write_file(file, payload.dump());
  auto r = skewed(k, shift, {"add", "--kind", "intake", "--json", file});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  return r.out.substr(0, r.out.find('\n'));
}

void enroll_skewed(Kiosk& k, Server& server, const std::string& shift) {
  auto r = skewed(k, shift, {"enroll", "--server", server.url(), "--code", server.enroll_code("OSLO")});
  REQUIRE_MESSAGE(r.code == 0, r.err);
}

}  // namespace

TEST_CASE("clock skew: a kiosk 3 days ahead learns the offset and its saves are accepted") {
  REQUIRE_MESSAGE(run({"/usr/bin/faketime", "-f", "+0d", "/bin/true"}).code == 0, "faketime is missing: run scripts/setup");
  TempDir dir;
  Server server(dir.sub("server.db"));
  server.start();
  Kiosk k{dir.sub("k")};
  enroll_skewed(k, server, "+3d");
  const auto offset = skewed_status(k, "+3d")["clock_offset_ms"];
  REQUIRE(offset.is_number());
  CHECK(offset.get<long long>() < -3 * kDayMs + 60'000);
  CHECK(offset.get<long long>() > -3 * kDayMs - 60'000);

  const std::string id = skewed_add(k, "+3d", intake(1), dir.path());
  auto synced = skewed(k, "+3d", {"sync"});
  CHECK_MESSAGE(synced.code == 0, synced.err);
  auto status = skewed_status(k, "+3d");
  CHECK(status["quarantined"] == 0);
  CHECK(status["pending"] == 0);
  auto exported = server.export_records("intake");
  REQUIRE(exported.size() == 1);
  CHECK(exported[0]["id"] == id);
}

TEST_CASE("clock skew: a kiosk 3 days behind edits a record pulled from another kiosk and the edit wins") {
  TempDir dir;
  Server server(dir.sub("server.db"));
  server.start();
  Kiosk a{dir.sub("a")}, b{dir.sub("b")};
  a.enroll(server, "OSLO");
  enroll_skewed(b, server, "-3d");
  const std::string id = a.add("intake", intake(1), dir.path());
  REQUIRE(a.cli({"sync"}).code == 0);
  REQUIRE(skewed(b, "-3d", {"sync"}).code == 0);

  write_file(dir.sub("edit.json"), R"({"legal_status_notes":"edited on the slow kiosk"})");
  auto edited = skewed(b, "-3d", {"edit", "--id", id, "--json", dir.sub("edit.json")});
  REQUIRE_MESSAGE(edited.code == 0, edited.err);
  auto synced = skewed(b, "-3d", {"sync"});
  CHECK_MESSAGE(synced.code == 0, synced.err);
  CHECK(skewed_status(b, "-3d")["quarantined"] == 0);
  REQUIRE(a.cli({"sync"}).code == 0);
  auto exported = server.export_records("intake");
  REQUIRE(exported.size() == 1);
  CHECK(exported[0]["payload"]["legal_status_notes"] == "edited on the slow kiosk");
  CHECK(a.list("intake").at(0)["payload"]["legal_status_notes"] == "edited on the slow kiosk");
}

TEST_CASE("clock skew: records saved while the clock ran 3 days ahead are stamped again and accepted once it is fixed") {
  TempDir dir;
  Server server(dir.sub("server.db"));
  server.start();
  Kiosk k{dir.sub("k")};
  k.enroll(server, "OSLO");  // the clock is right at enrolment: the offset learnt is about zero

  // Offline, the clock jumps 3 days ahead: two saves and an edit are stamped in the future,
  // beyond the server's one-day window.
  const std::string first = skewed_add(k, "+3d", intake(1), dir.path());
  const std::string second = skewed_add(k, "+3d", intake(22), dir.path());
  write_file(dir.sub("edit-ahead.json"), R"({"legal_status_notes":"edited while the clock ran ahead"})");
  auto edited = skewed(k, "+3d", {"edit", "--id", first, "--json", dir.sub("edit-ahead.json")});
  REQUIRE_MESSAGE(edited.code == 0, edited.err);

  // The clock is set right again; the next sync learns that from the server's time, stamps the
  // three writes again in their order and sends them: nothing is refused.
  auto synced = k.cli({"sync"});
  CHECK_MESSAGE(synced.code == 0, synced.err);
  auto status = k.status();
  CHECK(status["quarantined"] == 0);
  CHECK(status["pending"] == 0);
  auto exported = server.export_records("intake");
  std::multiset<std::string> ids;
  for (const auto& e : exported) ids.insert(e["id"].get<std::string>());
  CHECK(ids == std::multiset<std::string>{first, second});

  // A later edit, made with the right clock, wins over the one made while it ran ahead.
  write_file(dir.sub("edit-now.json"), R"({"legal_status_notes":"edited after the clock was fixed"})");
  REQUIRE(k.cli({"edit", "--id", first, "--json", dir.sub("edit-now.json")}).code == 0);
  REQUIRE(k.cli({"sync"}).code == 0);
  for (const auto& e : server.export_records("intake"))
    if (e["id"] == first) CHECK(e["payload"]["legal_status_notes"] == "edited after the clock was fixed");
}

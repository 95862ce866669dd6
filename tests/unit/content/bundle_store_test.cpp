// Bundle activation on the kiosk: atomic switch, refusal of broken bundles, fallback to the
// last good one, and crash safety (kill -9 at every step and at random moments).
#include <doctest/doctest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>

#include "bundle_fixtures.hpp"
#include "kiosk/core/content/bundle_store.hpp"
#include "kiosk/core/content/content_records.hpp"
#include "kiosk/core/content/durable_fs.hpp"

using namespace ws::kiosk::content;
using test_content::packed_small_bundle;
using test_content::TempDir;

namespace {

// The built-in bundle the kiosk ships, as a directory.
void write_builtin(const std::string& dir, int version) {
  auto packed = packed_small_bundle(version);
  auto b = ws::content::parse_bundle(packed, true);
  REQUIRE(b);
  for (const auto& [path, file] : b->files) REQUIRE(write_file_durably(dir + "/" + path, file.bytes));
  packed.erase("files");
  REQUIRE(write_file_durably(dir + "/bundle.json", packed.dump()));
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The bundle shown is exactly one published version: its text and every file it names all
// belong to that version.
int consistent_version(const ActiveBundle& active) {
  const int v = active.bundle->version;
  CHECK(active.bundle->pages.at(0).text.at("en").title == "What is it? v" + std::to_string(v));
  CHECK(slurp(active.root + "/images/pic.png") == "PNG bytes of version " + std::to_string(v));
  CHECK(slurp(active.root + "/audio/support-en.wav") == "WAV bytes of version " + std::to_string(v));
  return v;
}

struct Fixture {
  TempDir tmp;
  std::string content = tmp.path() + "/data/content";
  std::string builtin = tmp.path() + "/builtin";
  Fixture() { write_builtin(builtin, 1); }
};

bool wait_readable(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, timeout_ms) == 1;
}

}  // namespace

TEST_CASE("with nothing installed the built-in bundle is shown") {
  Fixture f;
  BundleStore store(f.content, f.builtin);
  auto active = store.load_active();
  REQUIRE(active);
  CHECK(active->source == ActiveBundle::Source::BuiltIn);
  CHECK(consistent_version(*active) == 1);
}

TEST_CASE("a published bundle is installed, switched to, and replayed without effect") {
  Fixture f;
  BundleStore store(f.content, f.builtin);
  auto first = store.install(packed_small_bundle(2));
  REQUIRE(first);
  CHECK(*first == InstallOutcome::Installed);
  auto active = store.load_active();
  REQUIRE(active);
  CHECK(active->source == ActiveBundle::Source::Installed);
  CHECK(consistent_version(*active) == 2);

  auto again = store.install(packed_small_bundle(2));
  REQUIRE(again);
  CHECK(*again == InstallOutcome::AlreadyActive);

  auto older = store.install(packed_small_bundle(1));
  REQUIRE_FALSE(older);
  CHECK(older.error().code == "stale_bundle");
  CHECK(consistent_version(*store.load_active()) == 2);
}

TEST_CASE("a broken bundle is refused and the last good one stays") {
  Fixture f;
  BundleStore store(f.content, f.builtin);
  REQUIRE(store.install(packed_small_bundle(2)));
  auto broken = packed_small_bundle(3);
  broken["pages"][0]["text"]["prs"]["blocks"][0]["text"] = "";
  auto result = store.install(broken);
  REQUIRE_FALSE(result);
  CHECK(result.error().message.find("page 'what', language 'prs'") != std::string::npos);
  CHECK(consistent_version(*store.load_active()) == 2);
  // Nothing half-written is left behind.
  for (const auto& name : list_directory(f.content + "/versions")) CHECK(name.rfind(".staging", 0) != 0);
}

TEST_CASE("an installed bundle damaged on disk falls back to the previous one, then to the built-in") {
  Fixture f;
  BundleStore store(f.content, f.builtin);
  REQUIRE(store.install(packed_small_bundle(2)));
  REQUIRE(store.install(packed_small_bundle(3)));
  const std::string current = f.content + "/" + read_symlink(f.content + "/current");
  std::filesystem::remove(current + "/images/pic.png");
  auto active = store.load_active();
  REQUIRE(active);
  CHECK(active->source == ActiveBundle::Source::Previous);
  CHECK(consistent_version(*active) == 2);
  CHECK(active->problem.find("images/pic.png") != std::string::npos);

  const std::string previous = f.content + "/" + read_symlink(f.content + "/previous");
  std::filesystem::remove(previous + "/bundle.json");
  active = store.load_active();
  REQUIRE(active);
  CHECK(active->source == ActiveBundle::Source::BuiltIn);
  CHECK(consistent_version(*active) == 1);
}

TEST_CASE("a newer built-in bundle (kiosk update) wins over an older installed one") {
  Fixture f;
  BundleStore store(f.content, f.builtin);
  REQUIRE(store.install(packed_small_bundle(2)));
  write_builtin(f.builtin, 5);
  auto active = store.load_active();
  REQUIRE(active);
  CHECK(active->source == ActiveBundle::Source::BuiltIn);
  CHECK(consistent_version(*active) == 5);
}

TEST_CASE("content records: the newest good bundle is installed, broken and stale ones reported") {
  Fixture f;
  BundleStore store(f.content, f.builtin);
  auto record = [](const std::string& id, nlohmann::json payload) {
    ws::Envelope e;
    e.id = id;
    e.kind = "content";
    e.payload = std::move(payload);
    return e;
  };
  auto broken = packed_small_bundle(4);
  broken["files"].erase("images/pic.png");
  std::vector<ws::Envelope> records = {record("r2", packed_small_bundle(2)), record("r4", broken),
                                       record("r3", packed_small_bundle(3))};
  auto outcome = install_newest(store, records);
  CHECK(outcome.switched);
  REQUIRE(outcome.problems.size() == 1);
  CHECK(outcome.problems[0].find("r4") != std::string::npos);
  CHECK(consistent_version(*store.load_active()) == 3);

  ws::Envelope other = record("x", packed_small_bundle(9));
  other.kind = "intake";
  CHECK_FALSE(install_content_record(store, other));
  other.kind = "content";
  other.deleted = true;
  CHECK_FALSE(install_content_record(store, other));
}

TEST_CASE("kill -9 at every step of a switch leaves the old bundle or the new one, never a mix") {
  int killed_runs = 0;
  for (int kill_at = 0;; ++kill_at) {
    Fixture f;
    {
      BundleStore store(f.content, f.builtin);
      REQUIRE(store.install(packed_small_bundle(2)));
    }
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      BundleStore store(f.content, f.builtin);
      int steps = 0;
      store.set_step_hook([&](const std::string&) {
        if (steps++ == kill_at) ::raise(SIGKILL);
      });
      auto r = store.install(packed_small_bundle(3));
      ::_exit(r ? 0 : 1);
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    BundleStore store(f.content, f.builtin);
    auto active = store.load_active();
    REQUIRE(active);
    const int v = consistent_version(*active);
    CAPTURE(kill_at);
    if (WIFSIGNALED(status)) {
      ++killed_runs;
      CHECK((v == 2 || v == 3));
      CHECK(active->source == ActiveBundle::Source::Installed);
      // The next publication completes normally and clears what the crash left behind.
      REQUIRE(store.install(packed_small_bundle(4)));
      CHECK(consistent_version(*store.load_active()) == 4);
      for (const auto& name : list_directory(f.content + "/versions")) CHECK(name.rfind(".staging", 0) != 0);
      CHECK(list_directory(f.content + "/versions").size() <= 2);
    } else {
      // Past the last step: the install finished.
      REQUIRE(WIFEXITED(status));
      CHECK(WEXITSTATUS(status) == 0);
      CHECK(v == 3);
      break;
    }
  }
  CHECK(killed_runs >= 8);  // every durable step was interrupted once
}

TEST_CASE("kill -9 at arbitrary moments during repeated switches never leaves a mix") {
  for (int round = 0; round < 5; ++round) {
    Fixture f;
    {
      BundleStore store(f.content, f.builtin);
      REQUIRE(store.install(packed_small_bundle(2)));
    }
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      ::close(fds[0]);
      BundleStore store(f.content, f.builtin);
      for (int v = 3; v < 100000; ++v) {
        if (!store.install(packed_small_bundle(v))) ::_exit(1);
        const char tick = 1;
        if (::write(fds[1], &tick, 1) != 1) ::_exit(2);
      }
      ::_exit(0);
    }
    ::close(fds[1]);
    // Let the child complete a few switches (round + 1), then kill it wherever it is.
    int ticks = 0;
    while (ticks <= round && wait_readable(fds[0], 30000)) {
      char c;
      if (::read(fds[0], &c, 1) != 1) break;
      ++ticks;
    }
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    ::close(fds[0]);
    CHECK(ticks == round + 1);
    BundleStore store(f.content, f.builtin);
    auto active = store.load_active();
    REQUIRE(active);
    const int v = consistent_version(*active);
    CHECK(v >= 2 + ticks);
    CHECK(active->source == ActiveBundle::Source::Installed);
  }
}

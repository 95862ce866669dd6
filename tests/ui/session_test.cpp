// The counsellor session: lockout with a growing delay, PIN check off the UI thread, idle lock.
#include <chrono>
#include <future>
#include <map>
#include <thread>

#include <doctest/doctest.h>

#include "kiosk/core/vm/session.hpp"
#include "ws/crypto.hpp"

using namespace ws::kiosk::vm;

namespace {

const CounsellorAccount kAmina{"c1", "Amina Test", "counsellor", "hash-c1"};
const CounsellorAccount kBo{"c2", "Bo Test", "counsellor", "hash-c2"};

// A verifier that knows one PIN, instantly (the real one is Argon2id).
bool pin_is_2468(const std::string&, const std::string& secret) { return secret == "2468"; }

// Polls the session until the check finishes, with a bounded deadline instead of a sleep.
void finish_check(Session& s, std::int64_t now) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (s.state() == SessionState::Verifying && std::chrono::steady_clock::now() < deadline) {
    s.wait_for_verification();
    s.tick(now);
  }
  REQUIRE(s.state() != SessionState::Verifying);
}

}  // namespace

TEST_CASE("five wrong PINs lock the account, and each further wrong PIN doubles the pause") {
  Session s({}, pin_is_2468);
  s.set_accounts({kAmina, kBo});
  std::int64_t now = 1000;
  for (int i = 1; i <= 4; ++i) {
    REQUIRE(s.submit("c1", "0000", now));
    finish_check(s, now);
    CHECK(s.failed_attempts("c1") == i);
    CHECK(s.lockout_remaining_ms("c1", now) == 0);
  }
  REQUIRE(s.submit("c1", "0000", now));
  finish_check(s, now);
  CHECK(s.lockout_remaining_ms("c1", now) == 30'000);
  // Locked: even the right PIN is not checked now, and the message says how long to wait.
  CHECK_FALSE(s.submit("c1", "2468", now + 10'000));
  CHECK(s.last_error().find("20 s") != std::string::npos);
  // The other counsellor is not locked out by someone guessing at Amina's account.
  CHECK(s.lockout_remaining_ms("c2", now) == 0);

  now += 30'000;
  REQUIRE(s.submit("c1", "1111", now));
  finish_check(s, now);
  CHECK(s.lockout_remaining_ms("c1", now) == 60'000);
  now += 60'000;
  REQUIRE(s.submit("c1", "1111", now));
  finish_check(s, now);
  CHECK(s.lockout_remaining_ms("c1", now) == 120'000);

  now += 120'000;
  REQUIRE(s.submit("c1", "2468", now));
  finish_check(s, now);
  CHECK(s.signed_in());
  REQUIRE(s.counsellor() != nullptr);
  CHECK(s.counsellor()->id == "c1");
  CHECK(s.failed_attempts("c1") == 0);
}

TEST_CASE("the lockout never grows past its cap") {
  SessionPolicy policy;
  policy.max_lockout_ms = 100'000;
  Session s(policy, pin_is_2468);
  s.set_accounts({kAmina});
  std::int64_t now = 0;
  for (int i = 0; i < 12; ++i) {
    now += s.lockout_remaining_ms("c1", now);
    REQUIRE(s.submit("c1", "0000", now));
    finish_check(s, now);
  }
  CHECK(s.lockout_remaining_ms("c1", now) == 100'000);
}

TEST_CASE("the PIN check runs off the UI thread and is collected by tick") {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  Session s({}, [released](const std::string&, const std::string& secret) {
    released.wait();  // stands in for Argon2id's ~100 ms
    return secret == "2468";
  });
  s.set_accounts({kAmina});
  REQUIRE(s.submit("c1", "2468", 0));  // returns while the check is still blocked
  CHECK(s.state() == SessionState::Verifying);
  s.tick(1);  // must not block
  CHECK(s.state() == SessionState::Verifying);
  CHECK_FALSE(s.submit("c1", "2468", 2));  // one check at a time
  release.set_value();
  finish_check(s, 3);
  CHECK(s.signed_in());
}

TEST_CASE("a real Argon2id hash signs in with the right PIN only") {
  auto hash = ws::crypto::hash_password("5791");
  REQUIRE(hash);
  Session s;
  s.set_accounts({{"c9", "Real Hash", "counsellor", *hash}});
  REQUIRE(s.submit("c9", "5790", 0));
  finish_check(s, 0);
  CHECK_FALSE(s.signed_in());
  REQUIRE(s.submit("c9", "5791", 0));
  finish_check(s, 0);
  CHECK(s.signed_in());
}

TEST_CASE("idle: a warning first, activity no longer counts, then the lock ends the session") {
  Session s({}, pin_is_2468);
  s.set_accounts({kAmina});
  std::vector<SignOutReason> ended;
  s.on_sign_out([&](const CounsellorAccount& who, SignOutReason why) {
    CHECK(who.id == "c1");
    ended.push_back(why);
  });
  REQUIRE(s.submit("c1", "2468", 0));
  finish_check(s, 0);
  const SessionPolicy p;
  s.note_activity(1000);
  s.tick(1000 + p.idle_warning_ms - 1);
  CHECK(s.state() == SessionState::SignedIn);
  s.tick(1000 + p.idle_warning_ms);
  CHECK(s.state() == SessionState::IdleWarning);
  CHECK(s.idle_lock_in_ms(1000 + p.idle_warning_ms) == p.idle_grace_ms);
  s.note_activity(1000 + p.idle_warning_ms + 5);  // a touch behind the prompt is not an answer
  CHECK(s.state() == SessionState::IdleWarning);
  s.confirm_presence(1000 + p.idle_warning_ms + 10);
  CHECK(s.state() == SessionState::SignedIn);
  const std::int64_t later = 1000 + p.idle_warning_ms + 10 + p.idle_warning_ms + p.idle_grace_ms;
  s.tick(later);
  CHECK(s.state() == SessionState::SignedOut);
  CHECK(s.counsellor() == nullptr);
  REQUIRE(ended.size() == 1);
  CHECK(ended[0] == SignOutReason::IdleLock);
}

TEST_CASE("an account removed by the admin is signed out at once") {
  Session s({}, pin_is_2468);
  s.set_accounts({kAmina, kBo});
  REQUIRE(s.submit("c1", "2468", 0));
  finish_check(s, 0);
  REQUIRE(s.signed_in());
  s.set_accounts({kBo});
  CHECK_FALSE(s.signed_in());
}

namespace {

// The kiosk store's part, in memory: counts by account and a wall clock the test moves.
struct GuardBook : LoginGuardStore {
  std::map<std::string, ws::kiosk::LoginGuard> rows;
  std::int64_t unix_ms = 1'700'000'000'000;
  ws::Result<ws::kiosk::LoginGuard> login_guard(const std::string& id) override {
    auto it = rows.find(id);
    return it == rows.end() ? ws::kiosk::LoginGuard{} : it->second;
  }
  ws::Status save_login_guard(const std::string& id, const ws::kiosk::LoginGuard& g) override {
    if (g.clear()) rows.erase(id);
    else rows[id] = g;
    return ws::ok();
  }
  std::int64_t unix_now_ms() override { return unix_ms; }
};

}  // namespace

TEST_CASE("a lockout is still in force after the session is made again over the same guard store") {
  GuardBook book;
  {
    Session s({}, pin_is_2468, &book);
    s.set_accounts({kAmina, kBo});
    for (int i = 0; i < 5; ++i) {
      REQUIRE(s.submit("c1", "0000", 500'000));
      finish_check(s, 500'000);
    }
    REQUIRE(s.lockout_remaining_ms("c1", 500'000) == 30'000);
    REQUIRE(book.rows.count("c1") == 1);
    CHECK(book.rows["c1"].failures == 5);
    CHECK(book.rows["c1"].locked_until_unix_ms == book.unix_ms + 30'000);
  }
  book.unix_ms += 10'000;  // the kiosk was killed and came back 10 s later
  Session again({}, pin_is_2468, &book);
  again.set_accounts({kAmina, kBo});
  again.tick(0);  // a new process: its monotonic clock starts again
  CHECK(again.lockout_remaining_ms("c1", 0) == 20'000);
  CHECK(again.failed_attempts("c1") == 5);
  CHECK(again.lockout_remaining_ms("c2", 0) == 0);
  CHECK_FALSE(again.submit("c1", "2468", 1'000));
  // The count carried over too: the next wrong PIN doubles the pause instead of starting over.
  REQUIRE(again.submit("c1", "0000", 20'000));
  finish_check(again, 20'000);
  CHECK(again.lockout_remaining_ms("c1", 20'000) == 60'000);
  // The right PIN after the pause signs in and clears the stored count.
  REQUIRE(again.submit("c1", "2468", 80'000));
  finish_check(again, 80'000);
  CHECK(again.signed_in());
  CHECK(book.rows.count("c1") == 0);
}

TEST_CASE("a stored lockout never outlasts the policy's cap, even if the wall clock went back") {
  GuardBook book;
  book.rows["c1"] = {9, book.unix_ms + 24 * 3600 * 1000LL};  // a day ahead: clock set back, or a tampered row
  Session s({}, pin_is_2468, &book);
  s.set_accounts({kAmina});
  s.tick(0);
  CHECK(s.lockout_remaining_ms("c1", 0) == SessionPolicy{}.max_lockout_ms);
}

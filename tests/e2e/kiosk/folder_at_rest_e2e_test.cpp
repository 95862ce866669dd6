// The kiosk folder test (issue 11): a whole session with the real binaries — records saved
// signed in, more saved and pulled with nobody signed in, syncs, a record the server refuses
// (quarantined), a conflict — then every file of the kiosk's data folder is searched for every
// person's value, in UTF-8 and UTF-16LE, and none may be there. Signing in again shows all of
// it, correct. Drafts (the window's unsaved answers) are covered by the store's own tests.
#include <doctest/doctest.h>

#include "tests/e2e/kiosk/harness.hpp"
#include "tests/support/folder_scan.hpp"

using namespace ws::e2e;
using nlohmann::json;

namespace {

constexpr const char* kCounsellor = "Amal Haddad";
constexpr const char* kPin = "135790";

// Every value a thief must not find: names in Latin and Arabic script, a phone number, the
// value a conflict replaced and the one that replaced it, and a person only another kiosk saw.
const std::vector<std::string> kFixture = {
    "Yusuf Restful-Qx", "يوسف المستريح", "+47 913 57 246", "Yusuf Lost-Edit-Qx", "Yusuf Won-Edit-Qx",
    "Mariam Elsewhere-Qx", "مريم البعيدة", "Hassan Refused-Qx"};

json run_json(const std::vector<std::string>& argv) {
  auto r = run(argv);
  REQUIRE_MESSAGE(r.code == 0, r.out << r.err);
  return json::parse(r.out);
}

// `kiosk ARGS --counsellor Amal` with her PIN on stdin: the command line's sign-in.
std::vector<std::string> signed_in(const Kiosk& k, std::vector<std::string> args) {
  args.insert(args.end(), {"--counsellor", kCounsellor});
  return with_stdin(kPin, k.argv(std::move(args)));
}

std::string write_answers(const TempDir& scratch, const std::string& name, const json& answers) {
  write_file(scratch.file(name), answers.dump());
  return scratch.file(name);
}

const json* find_by_id(const json& records, const std::string& id) {
  for (const auto& r : records)
    if (r["id"] == id) return &r;
  return nullptr;
}

}  // namespace

TEST_CASE("kiosk folder at rest: after a whole session no file holds a person's value, and signing in again shows it all") {
  TempDir dir, scratch;
  Server server(dir.sub("server.db"));
  server.start();
  // HQ makes the counsellor account; both kiosks receive it when they enrol.
  auto added = run(with_stdin(kPin, {server_bin(), "counsellor-add", "--db", server.db(), "--centre", "OSLO", "--name",
                                     kCounsellor}));
  REQUIRE_MESSAGE(added.code == 0, added.err);
  std::string intake_v2;
  Kiosk a{dir.sub("a"), forms_with_intake_v2(dir, intake_v2)};  // its intakes are refused
  Kiosk b{dir.sub("b")};
  a.enroll(server, "OSLO");
  b.enroll(server, "OSLO");

  // Amal's first sign-in on kiosk A makes its vault.
  auto first = run(signed_in(a, {"list", "--kind", "case", "--json"}));
  REQUIRE_MESSAGE(first.code == 0, first.err);

  // Saved signed in.
  json person = case_header(1);
  person["name_latin"] = kFixture[0];
  person["name_native"] = kFixture[1];
  auto saved = run(signed_in(a, {"add", "--kind", "case", "--json", write_answers(scratch, "case.json", person)}));
  REQUIRE_MESSAGE(saved.code == 0, saved.err);
  const std::string case_id = saved.out.substr(0, saved.out.find('\n'));

  // Saved with nobody signed in: a migrant's appointment request, and an intake the server will
  // refuse (its form version is unknown there), so it stays quarantined on the kiosk.
  const std::string appointment_id =
      a.add("appointment",
            {{"name", kFixture[0]}, {"preferred_language", "ar"}, {"phone", kFixture[2]}, {"consent_contact", true},
             {"_case_id", case_id}},
            scratch.path());
  json refused = intake(1);
  refused["_case_id"] = case_id;
  refused["name_latin"] = kFixture[7];
  const std::string intake_id = a.add("intake", refused, scratch.path());
  CHECK(a.cli({"sync"}).code == 3);  // 3: something was refused
  CHECK(a.status()["quarantined"] == 1);

  // A conflict: Amal edits the name on A, kiosk B edits it later and syncs first; A's value loses.
  auto edited = run(signed_in(a, {"edit", "--id", case_id, "--json",
                                  write_answers(scratch, "a-edit.json", {{"name_latin", kFixture[3]}})}));
  REQUIRE_MESSAGE(edited.code == 0, edited.err);
  REQUIRE(b.cli({"sync"}).code == 0);
  REQUIRE(b.cli({"edit", "--id", case_id, "--json", write_answers(scratch, "b-edit.json", {{"name_latin", kFixture[4]}})})
              .code == 0);
  json elsewhere = case_header(2);
  elsewhere["name_latin"] = kFixture[5];
  elsewhere["name_native"] = kFixture[6];
  const std::string elsewhere_id = b.add("case", elsewhere, scratch.path());
  REQUIRE(b.cli({"sync"}).code == 0);
  // A syncs with nobody signed in: its edit goes out, B's case and B's edit come in.
  CHECK(a.cli({"sync"}).code == 3);

  // The kiosk is stopped (no command runs). Its folder must hold none of the values; the
  // server's and kiosk B's (no one signed in there, so plain) show the search finds them.
  CHECK(ws::test::files_holding(b.data_dir, kFixture) != "");
  CHECK(ws::test::files_holding(a.data_dir, kFixture) == "");

  // Signing in again: every record there and correct, the conflict with the value that lost.
  const json cases = run_json(signed_in(a, {"list", "--kind", "case", "--json"}));
  REQUIRE(cases.size() == 2);
  const json* mine = find_by_id(cases, case_id);
  const json* theirs = find_by_id(cases, elsewhere_id);
  REQUIRE(mine);
  REQUIRE(theirs);
  CHECK((*mine)["payload"]["name_latin"] == kFixture[4]);
  CHECK((*mine)["payload"]["name_native"] == kFixture[1]);
  CHECK((*theirs)["payload"]["name_latin"] == kFixture[5]);
  CHECK((*theirs)["payload"]["name_native"] == kFixture[6]);
  const json appointments = run_json(signed_in(a, {"list", "--kind", "appointment", "--json"}));
  REQUIRE(appointments.size() == 1);
  CHECK(appointments[0]["id"] == appointment_id);
  CHECK(appointments[0]["payload"]["phone"] == kFixture[2]);
  const json held = run_json(signed_in(a, {"show", "--id", intake_id, "--json"}));
  CHECK(held["envelope"]["payload"]["name_latin"] == kFixture[7]);
  CHECK(held["sync_state"] == "quarantined");
  CHECK(a.status()["quarantined"] == 1);
  // The conflict as HQ sees it: A's value lost to B's. (A's edit reached the server before B's
  // value came back, so it is the server's conflict, not one the kiosk logs; the kiosk's own
  // sealed conflict log is covered by the store's folder test, record_encryption_test.)
  const std::string conflicts = run_json({server_bin(), "conflicts", "--db", server.db()}).dump();
  CHECK(conflicts.find(kFixture[3]) != std::string::npos);

  // What signing in rewrote (pulls merged, records re-encrypted) is not left in clear either.
  CHECK(ws::test::files_holding(a.data_dir, kFixture) == "");
}

// No personal data in logs or on stderr: a whole session with the real binaries (a server that
// logs every request, two kiosks, accounts, records of fixture people in Latin and Arabic
// script with phone numbers, a refused record, a conflict, syncs, exports, the audit logs),
// every stderr and every output that is not meant to show records, and every log file in the
// data folders, searched for every fixture value. The intended outputs (export file, `show`,
// `list`, `quarantined`, `conflicts`, HQ's `refused`/`conflicts`) are left out on purpose.
#include <doctest/doctest.h>

#include <filesystem>
#include <sstream>
#include <thread>

#include "tests/e2e/kiosk/harness.hpp"

using namespace ws::e2e;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const std::vector<std::string>& fixture_values() {
  static const std::vector<std::string> values = {
      "Zainab Haddad-Okafor", "Zainab",       "Okafor",        "زينب حداد",      "زينب",  "Yusuf Al-Rashidi",
      "Rashidi",              "يوسف الرشيدي", "الرشيدي",       "Layla Haddad",   "ليلى",  "+47 912 34 567",
      "912 34 567",           "٠٩١٢٣٤٥٦٧٨",   "+46 70 123 45 67", "123 45 67",   "Ingrid Solberg", "Solberg",
  };
  return values;
}

// Everything captured, by where it came from.
struct Captured {
  std::vector<std::pair<std::string, std::string>> texts;
  void add(const std::string& where, const std::string& text) { texts.emplace_back(where, text); }
  // A command whose stdout is meant to show records: only its stderr is searched.
  void intended(const std::string& what, const RunResult& r) { add(what + " (stderr)", r.err); }
  void both(const std::string& what, const RunResult& r) {
    add(what + " (stdout)", r.out);
    add(what + " (stderr)", r.err);
  }
};

// The server as deployed: request logging on (no --quiet), stdout and stderr to files.
struct LoggingServer {
  std::string folder, db, out, err;
  Process process;
  int port = 0;
  explicit LoggingServer(const std::string& dir)
      : folder(dir), db(dir + "/server.db"), out(dir + "/server.out"), err(dir + "/server.err") {
    fs::create_directories(folder);
    process = Process({server_bin(), "serve", "--db", db, "--listen", "127.0.0.1:0", "--forms", assets_dir() + "/forms"},
                      {.stdout_path = out, .stderr_path = err});
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (port == 0 && std::chrono::steady_clock::now() < until) {
      std::istringstream lines(read_file(out));
      for (std::string line; std::getline(lines, line);) {
        auto j = json::parse(line, nullptr, false);
        if (j.is_object() && j.value("event", "") == "listening") port = j.value("port", 0);
      }
      REQUIRE(process.running());
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    REQUIRE(port != 0);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port); }
  RunResult admin(std::vector<std::string> args, const std::string& stdin_text = "") const {
    std::vector<std::string> argv{"/bin/sh", "-c", "printf '%s\\n' \"$0\" | \"$@\"", stdin_text, server_bin()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv);
  }
};

// The shipped forms, with `intake` at a version the server does not know: records of it are
// refused until HQ publishes that version.
std::string forms_with_unknown_intake(const std::string& dir) {
  const std::string assets = dir + "/assets-v2";
  fs::create_directories(assets);
  fs::copy(assets_dir(), assets, fs::copy_options::recursive);
  auto form = json::parse(read_file(assets + "/forms/intake.json"));
  form["version"] = 99;
  write_file(assets + "/forms/intake.json", form.dump(2));
  return assets;
}

RunResult add_record(const Kiosk& k, const std::string& kind, const json& payload, const std::string& file) {
  write_file(file, payload.dump());
  return k.cli({"add", "--kind", kind, "--json", file});
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

}  // namespace

TEST_CASE("no fixture person's name or phone number reaches a log, stderr or a non-record output") {
  TempDir dir;
  Captured cap;
  LoggingServer server(dir.sub("server"));
  const std::string scratch = dir.sub("scratch");
  fs::create_directories(scratch);

  cap.both("server counsellor-add", server.admin({"counsellor-add", "--db", server.db, "--centre", "OSLO", "--name",
                                                  "Ingrid Solberg"}, "736194"));
  Kiosk a{dir.sub("kiosk-a")}, b{dir.sub("kiosk-b"), forms_with_unknown_intake(dir.path())};
  for (auto* k : {&a, &b}) {
    auto code = server.admin({"enroll-code", "--db", server.db, "--centre", "OSLO"});
    cap.both("enroll-code", code);
    auto enrolled = k->cli({"enroll", "--server", server.url(), "--code", json::parse(code.out)["code"]});
    REQUIRE_MESSAGE(enrolled.code == 0, enrolled.err);
    cap.both("kiosk enroll", enrolled);
  }

  // Person 1 on kiosk A: a case, an intake with a family member, an appointment with a phone.
  auto case1 = add_record(a, "case", {{"case_number", "OSL-7001"}, {"name_latin", "Zainab Haddad-Okafor"},
                                      {"name_native", "زينب حداد"}, {"status", "open"}}, scratch + "/c1.json");
  REQUIRE_MESSAGE(case1.code == 0, case1.err);
  cap.both("kiosk add case", case1);
  const std::string case1_id = first_line(case1.out);
  json in = intake(1);
  in["name_latin"] = "Zainab Haddad-Okafor";
  in["name_native"] = "زينب حداد";
  in["_case_id"] = case1_id;
  in["family_travelling"] = true;
  in["family_members"] = json::array({{{"_row", "0190a000-0000-7000-8000-000000000001"}, {"name", "Layla Haddad ليلى"},
                                      {"relationship", "child"}}});
  cap.both("kiosk add intake", add_record(a, "intake", in, scratch + "/i1.json"));
  cap.both("kiosk add appointment",
           add_record(a, "appointment", {{"name", "Zainab Haddad-Okafor"}, {"preferred_language", "ar"},
                                         {"phone", "+47 912 34 567"}, {"consent_contact", true}}, scratch + "/p1.json"));
  // A record the kiosk refuses itself: its error must not echo the values.
  auto invalid = add_record(a, "appointment", {{"name", "Zainab Haddad-Okafor"}, {"phone", "call Zainab"}},
                            scratch + "/bad.json");
  CHECK(invalid.code != 0);
  cap.both("kiosk add invalid", invalid);

  // Person 2 on kiosk B, whose intake the server refuses (unknown form version).
  auto case2 = add_record(b, "case", {{"case_number", "OSL-7002"}, {"name_latin", "Yusuf Al-Rashidi"},
                                      {"name_native", "يوسف الرشيدي"}, {"status", "open"}}, scratch + "/c2.json");
  REQUIRE_MESSAGE(case2.code == 0, case2.err);
  cap.both("kiosk add case 2", case2);
  json in2 = intake(2);
  in2["name_latin"] = "Yusuf Al-Rashidi";
  in2["name_native"] = "يوسف الرشيدي";
  in2["_case_id"] = first_line(case2.out);
  cap.both("kiosk add intake 2", add_record(b, "intake", in2, scratch + "/i2.json"));
  cap.both("kiosk add appointment 2",
           add_record(b, "appointment", {{"name", "Yusuf Al-Rashidi"}, {"preferred_language", "ar"},
                                         {"phone", "٠٩١٢٣٤٥٦٧٨"}, {"consent_contact", true}}, scratch + "/p2.json"));
  cap.both("kiosk add appointment 3",
           add_record(b, "appointment", {{"name", "Yusuf Al-Rashidi"}, {"preferred_language", "en"},
                                         {"phone", "+46 70 123 45 67"}, {"consent_contact", true}}, scratch + "/p3.json"));

  auto sync_a = a.cli({"sync"});
  CHECK(sync_a.code == 0);
  cap.both("kiosk A sync", sync_a);
  auto sync_b = b.cli({"sync", "--json"});
  CHECK(sync_b.code == 3);  // the intake was refused
  cap.both("kiosk B sync (refused)", sync_b);

  // A conflict: both kiosks change person 1's case before either syncs again.
  write_file(scratch + "/ea.json", json{{"name_native", "زينب حداد أ"}, {"status", "considering"}}.dump());
  write_file(scratch + "/eb.json", json{{"name_native", "زينب حداد ب"}, {"status", "will_apply"}}.dump());
  cap.both("kiosk A edit", a.cli({"edit", "--id", case1_id, "--json", scratch + "/ea.json"}));
  cap.both("kiosk B edit", b.cli({"edit", "--id", case1_id, "--json", scratch + "/eb.json"}));
  for (const auto* k : {&a, &b, &a}) cap.both("kiosk sync after edits", k->cli({"sync"}));
  cap.both("kiosk B sync again", b.cli({"sync", "--json"}));

  // What operators look at: status and audit are for anyone; records are shown on purpose.
  for (const auto* k : {&a, &b}) {
    cap.both("kiosk status", k->cli({"status", "--json"}));
    cap.both("kiosk audit", k->cli({"audit", "--json"}));
    cap.both("kiosk audit verify", k->cli({"audit", "verify"}));
    cap.intended("kiosk list", k->cli({"list", "--kind", "case", "--json"}));
    cap.intended("kiosk show", k->cli({"show", "--id", case1_id}));
    cap.intended("kiosk quarantined", k->cli({"quarantined", "--json"}));
    cap.intended("kiosk conflicts", k->cli({"conflicts", "--json"}));
  }
  // HQ: an export to a file, the refused and conflict lists (records, on purpose), the rest.
  const std::string export_file = dir.sub("export.json");
  auto exported = run({"/bin/sh", "-c", "\"$0\" export --db \"$1\" --format json > \"$2\"", server_bin(), server.db,
                       export_file});
  CHECK(exported.code == 0);
  cap.intended("server export", exported);
  CHECK(read_file(export_file).find("Zainab Haddad-Okafor") != std::string::npos);  // the search does find values
  auto refused = server.admin({"refused", "--db", server.db});
  CHECK(json::parse(refused.out)["refused"].size() >= 1);
  cap.intended("server refused", refused);
  auto conflicts = server.admin({"conflicts", "--db", server.db});
  CHECK_FALSE(json::parse(conflicts.out)["conflicts"].empty());  // the session did make a conflict
  cap.intended("server conflicts", conflicts);
  for (const auto& args : std::vector<std::vector<std::string>>{{"devices", "--db", server.db},
                                                                 {"audit", "--db", server.db},
                                                                 {"audit", "--db", server.db, "--json"},
                                                                 {"audit", "verify", "--db", server.db},
                                                                 {"backup", "--db", server.db, "--to", dir.sub("backup.db")}}) {
    cap.both("server " + args[0], server.admin(args));
  }
  CHECK(server.process.terminate() == 0);  // flushes and closes its logs

  // Every log file and every text file in the data folders (not the databases themselves).
  for (const auto& folder : {server.folder, a.data_dir, b.data_dir}) {
    for (const auto& f : fs::recursive_directory_iterator(folder)) {
      if (!f.is_regular_file()) continue;
      const std::string name = f.path().filename().string();
      if (name.find(".db") != std::string::npos || name == "space-reserve") continue;
      cap.add(f.path().lexically_relative(dir.path()).string(), read_file(f.path().string()));
    }
  }
  CHECK(read_file(server.err).find("/v1/push") != std::string::npos);  // the request log was on

  for (const auto& [where, text] : cap.texts) {
    for (const auto& value : fixture_values()) {
      CHECK_MESSAGE(text.find(value) == std::string::npos, where << " holds fixture value " << value);
    }
  }
}

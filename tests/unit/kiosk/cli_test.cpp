#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "kiosk/cli/cli.hpp"
#include "kiosk/cli/commands.hpp"
#include "tests/unit/kiosk/support.hpp"
#include "ws/crypto.hpp"

using namespace ws::kiosk;
using ws::kiosk::test::TempDir;

namespace {

void write_file(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

struct Cli {
  TempDir dir;
  std::string data;
  std::string assets;
  Cli() : data(dir.sub("data")), assets(dir.sub("assets")) {
    std::filesystem::create_directories(assets + "/forms");
    write_file(assets + "/forms/intake.json", R"({
      "id": "intake", "version": 3, "title": {"en": "Intake"},
      "fields": [
        {"name": "full_name", "type": "text", "label": {"en": "Name"}, "required": true, "max_length": 80},
        {"name": "age", "type": "number", "label": {"en": "Age"}, "min": 0, "max": 120},
        {"name": "notes", "type": "long_text", "label": {"en": "Notes"}}
      ]})");
    test::enrolled_store(data);
  }
  struct Out {
    int code;
    std::string out, err;
  };
  Out run(std::vector<std::string> args, const std::string& stdin_text = "") {
    std::vector<std::string> full{"--data-dir", data, "--assets", assets};
    full.insert(full.end(), args.begin(), args.end());
    std::istringstream in(stdin_text);
    std::ostringstream out, err;
    const int code = cli::run(full, in, out, err);
    return {code, out.str(), err.str()};
  }
  std::string json_file(const std::string& name, const nlohmann::json& j) {
    const auto path = dir.sub(name);
    write_file(path, j.dump());
    return path;
  }
};

}  // namespace

TEST_CASE("the window's options are not mistaken for commands") {
  CHECK(is_cli_command({"--data-dir", "d", "sync"}));
  CHECK(is_cli_command({"--data-dir=d", "status", "--json"}));
  CHECK(is_cli_command({"--assets", "a", "--data-dir", "d", "list", "--kind", "case"}));
  CHECK_FALSE(is_cli_command({"--screenshot", "out.png", "--screen", "sync"}));
  CHECK_FALSE(is_cli_command({"--data-dir", "d", "--fullscreen"}));
  CHECK_FALSE(is_cli_command({"--data-dir", "sync"}));
  CHECK_FALSE(is_cli_command({}));
}

TEST_CASE("add validates against the form, stamps its version and prints the id and list shows it") {
  Cli cli;
  auto bad = cli.run({"add", "--kind", "intake", "--json", cli.json_file("bad.json", {{"age", "old"}, {"colour", "red"}})});
  CHECK(bad.code == cli::kExitError);
  CHECK(bad.err.find("full_name") != std::string::npos);
  CHECK(bad.err.find("colour") != std::string::npos);
  CHECK(bad.out.empty());

  auto unknown = cli.run({"add", "--kind", "reintegration", "--json", cli.json_file("r.json", nlohmann::json::object())});
  CHECK(unknown.code == cli::kExitError);
  CHECK(unknown.err.find("no form for kind 'reintegration'") != std::string::npos);

  auto added = cli.run({"add", "--kind", "intake", "--json", cli.json_file("ok.json", {{"full_name", "Test Person"}, {"age", 30}})});
  REQUIRE(added.code == 0);
  const std::string id = added.out.substr(0, added.out.find('\n'));
  CHECK(id.size() == 36);

  auto listed = cli.run({"list", "--kind", "intake", "--json"});
  REQUIRE(listed.code == 0);
  auto arr = nlohmann::json::parse(listed.out);
  REQUIRE(arr.size() == 1);
  CHECK(arr[0]["id"] == id);
  CHECK(arr[0]["schema_version"] == 3);
  auto parsed = ws::envelope_from_json(arr[0]);
  CHECK(parsed);

  auto edited = cli.run({"edit", "--id", id, "--json", cli.json_file("e.json", nlohmann::json{{"notes", "came back"}})});
  CHECK(edited.code == 0);
  auto invalid_edit = cli.run({"edit", "--id", id, "--json", cli.json_file("e2.json", nlohmann::json{{"age", 400}})});
  CHECK(invalid_edit.code == cli::kExitError);
  CHECK(invalid_edit.err.find("age") != std::string::npos);
  auto shown = cli.run({"show", "--id", id, "--json"});
  REQUIRE(shown.code == 0);
  auto record = nlohmann::json::parse(shown.out);
  CHECK(record["envelope"]["payload"]["notes"] == "came back");
  CHECK(record["envelope"]["payload"]["age"] == 30);
  CHECK(record["sync_state"] == "pending");
}

TEST_CASE("status --json reports the identity and the queue without a server") {
  Cli cli;
  REQUIRE(cli.run({"add", "--kind", "intake", "--json", cli.json_file("a.json", nlohmann::json{{"full_name", "A"}})}).code == 0);
  auto st = cli.run({"status", "--json", "--timeout-ms", "300"});
  REQUIRE(st.code == 0);
  auto j = nlohmann::json::parse(st.out);
  for (const char* key : {"device_id", "centre", "server", "online", "pending", "quarantined", "last_success", "last_error"}) {
    CHECK_MESSAGE(j.contains(key), key);
  }
  CHECK(j["device_id"] == "dev-a");
  CHECK(j["pending"] == 1);
  CHECK(j["online"] == false);
  CHECK(j["last_success"].is_null());
}

TEST_CASE("usage mistakes are exit code 2 with words on stderr") {
  Cli cli;
  CHECK(cli.run({"add", "--kind", "intake"}).code == cli::kExitUsage);
  CHECK(cli.run({"list"}).code == cli::kExitUsage);
  auto typo = cli.run({"list", "--knd", "intake"});
  CHECK(typo.code == cli::kExitUsage);
  CHECK(typo.err.find("--knd") != std::string::npos);
  std::ostringstream out, err;
  CHECK(cli::run({"status"}, out, err) == cli::kExitUsage);
  CHECK(err.str().find("--data-dir") != std::string::npos);
  auto not_json = cli.json_file("x.json", {});
  write_file(not_json, "{ nope");
  auto broken = cli.run({"add", "--kind", "intake", "--json", not_json});
  CHECK_MESSAGE(broken.code == cli::kExitError, broken.err);
  CHECK(broken.err.find("not valid JSON") != std::string::npos);
}

TEST_CASE("sync without enrolment or server fails in words and keeps the records") {
  Cli cli;
  REQUIRE(cli.run({"add", "--kind", "intake", "--json", cli.json_file("a.json", nlohmann::json{{"full_name", "A"}})}).code == 0);
  // enrolled_store points at "fake://server", which is not a URL the kiosk can use.
  auto r = cli.run({"sync"});
  CHECK(r.code != 0);
  CHECK_FALSE(r.err.empty());
  auto st = nlohmann::json::parse(cli.run({"status", "--json", "--timeout-ms", "200"}).out);
  CHECK(st["pending"] == 1);
}

TEST_CASE("counsellor-add reads the PIN from stdin and saves an Argon2id account the server accepts") {
  Cli cli;
  auto added = cli.run({"counsellor-add", "--name", "  Kari Nordmann ", "--role", "admin"}, "482100\n");
  REQUIRE_MESSAGE(added.code == 0, added.err);
  const std::string id = added.out.substr(0, added.out.find('\n'));
  CHECK(id.size() == 36);
  CHECK(added.out.find("482100") == std::string::npos);

  auto listed = cli.run({"list", "--kind", "counsellor", "--json"});
  REQUIRE(listed.code == 0);
  auto arr = nlohmann::json::parse(listed.out);
  REQUIRE(arr.size() == 1);
  const auto& payload = arr[0]["payload"];
  // Exactly the fields the server's ingest allows for a device-pushed counsellor record.
  CHECK(payload.size() == 4);
  CHECK(payload["name"] == "Kari Nordmann");
  CHECK(payload["role"] == "admin");
  CHECK(payload["active"] == true);
  const std::string hash = payload["pin_hash"].get<std::string>();
  CHECK(hash.rfind("$argon2id$", 0) == 0);
  CHECK(hash.size() <= 256);
  CHECK(ws::crypto::verify_password(hash, "482100"));
  CHECK_FALSE(ws::crypto::verify_password(hash, "482101"));
  // Saved with its outbox row: it goes to the server with the next sync.
  CHECK(nlohmann::json::parse(cli.run({"status", "--json", "--timeout-ms", "200"}).out)["pending"] == 1);

  // The role defaults to counsellor.
  auto plain = cli.run({"counsellor-add", "--name", "Ola Nordmann"}, "passphrase words\n");
  REQUIRE_MESSAGE(plain.code == 0, plain.err);
  CHECK(nlohmann::json::parse(cli.run({"list", "--kind", "counsellor", "--json"}).out)[0]["payload"]["role"] == "counsellor");
}

TEST_CASE("counsellor-add refuses a short PIN, a taken name, a bad role and a missing PIN, saving nothing") {
  Cli cli;
  auto short_pin = cli.run({"counsellor-add", "--name", "Kari"}, "123\n");
  CHECK(short_pin.code == cli::kExitError);
  CHECK(short_pin.err.find("PIN: use at least 6 digits") != std::string::npos);
  auto role = cli.run({"counsellor-add", "--name", "Kari", "--role", "boss"}, "123456\n");
  CHECK(role.code == cli::kExitError);
  CHECK(role.err.find("Role") != std::string::npos);
  auto no_pin = cli.run({"counsellor-add", "--name", "Kari"}, "");
  CHECK(no_pin.code == cli::kExitUsage);
  CHECK(no_pin.err.find("stdin") != std::string::npos);
  CHECK(cli.run({"counsellor-add"}, "123456\n").code == cli::kExitUsage);
  CHECK(nlohmann::json::parse(cli.run({"list", "--kind", "counsellor", "--json"}).out).empty());

  REQUIRE(cli.run({"counsellor-add", "--name", "Kari"}, "123456\n").code == 0);
  auto twice = cli.run({"counsellor-add", "--name", "Kari"}, "567890\n");
  CHECK(twice.code == cli::kExitError);
  CHECK(twice.err.find("exists already") != std::string::npos);
  CHECK(nlohmann::json::parse(cli.run({"list", "--kind", "counsellor", "--json"}).out).size() == 1);
}

TEST_CASE("conflicts lists the local edits a pull replaced, with the value that was lost") {
  Cli cli;
  {
    auto store = Store::open(cli.data);
    REQUIRE(store);
    auto id = (*store)->save("case", {{"phone", "from-here"}});
    REQUIRE(id);
    auto theirs = (*store)->get(*id).value()->envelope;
    theirs.payload["phone"] = "from-another-kiosk";
    theirs.version = ws::Version{ws::Hlc{theirs.version.hlc.wall_ms + 1000, 0}, "dev-b"};
    theirs.field_versions["phone"] = theirs.version;
    theirs.base_version.reset();
    ws::protocol::PullResponse page;
    page.records.push_back(theirs);
    page.cursor = "7";
    REQUIRE((*store)->apply_pull(page));
  }
  auto listed = cli.run({"conflicts", "--json"});
  REQUIRE(listed.code == 0);
  auto rows = nlohmann::json::parse(listed.out);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["field"] == "phone");
  CHECK(rows[0]["lost_value"] == "from-here");
  CHECK(rows[0]["won_version"].get<std::string>().find("dev-b") != std::string::npos);
  auto text = cli.run({"conflicts"});
  CHECK(text.out.find("\"from-here\"") != std::string::npos);
  auto status = nlohmann::json::parse(cli.run({"status", "--json"}).out);
  CHECK(status["conflicts"] == 1);
}

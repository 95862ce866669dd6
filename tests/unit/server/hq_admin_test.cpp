// The HQ console's admin routes against the real core: centre scope for codes, counsellors and
// kiosks; revoke with confirmation; counsellor accounts; HQ users; publishing with its check,
// preview and refusal; the audit log with who and from where.
#include "sync-server/core/devices.hpp"
#include "sync-server/core/publish.hpp"
#include "tests/unit/server/hq_fixture.hpp"
#include "ws/content/bundle_files.hpp"

namespace ws::server::hq::test {
namespace {

using nlohmann::json;

Enrolment enrol(Database& db, const std::string& centre) {
  DeviceRegistry devices(db);
  auto code = devices.create_code(centre, kDefaultCodeTtlMs);
  REQUIRE(code.has_value());
  auto enrolled = devices.enroll(code->code, "kiosk " + centre);
  REQUIRE(enrolled.has_value());
  return *enrolled;
}

bool has_entry(const json& audit, const std::string& action, const std::string& actor) {
  for (const auto& e : audit["entries"]) {
    if (e["action"] == action && e["actor"] == actor && e["details"].value("address", "") == "127.0.0.1") return true;
  }
  return false;
}

}  // namespace

TEST_CASE("a scoped HQ user cannot touch another centre's codes, counsellors or kiosks") {
  HqServer server;
  server.add_user("olga", "admin", {"OSLO"});
  const Session s = server.sign_in("olga");
  auto bergen_counsellor = add_counsellor(server.db(), "BERGEN", "B. Counsellor", "counsellor", "246810");
  REQUIRE(bergen_counsellor.has_value());
  const Enrolment bergen_kiosk = enrol(server.db(), "BERGEN");

  auto res = server.post("/kiosks/enrolment-codes", {{"centre", "BERGEN"}}, s);
  CHECK(res->status == 403);
  CHECK(error_code(res) == "forbidden");
  res = server.post("/kiosks/enrolment-codes", {{"centre", "OSLO"}, {"ttl_hours", 2}}, s);
  REQUIRE(res->status == 200);
  CHECK(body_of(res)["centre"] == "OSLO");
  CHECK(body_of(res)["code"].get<std::string>().size() >= 10);

  CHECK(server.post("/counsellors", {{"centre", "BERGEN"}, {"name", "X"}, {"pin", "135790"}}, s)->status == 403);
  res = server.post("/counsellors", {{"centre", "OSLO"}, {"name", "O. Counsellor"}, {"pin", "135790"}}, s);
  REQUIRE(res->status == 200);
  const std::string oslo_counsellor = body_of(res)["id"];
  auto list = body_of(server.get("/counsellors", s));
  REQUIRE(list["counsellors"].size() == 1);
  CHECK(list["counsellors"][0]["id"] == oslo_counsellor);
  CHECK(list["counsellors"][0]["name"] == "O. Counsellor");
  CHECK(!list["counsellors"][0].contains("pin_hash"));
  CHECK(server.get("/counsellors?centre=BERGEN", s)->status == 403);
  CHECK(server.post("/counsellors/" + bergen_counsellor->id + "/disable", {}, s)->status == 403);
  CHECK(server.post("/counsellors/" + bergen_counsellor->id + "/reset-pin", {{"pin", "975310"}}, s)->status == 403);
  CHECK(server.post("/counsellors/" + oslo_counsellor + "/reset-pin", {{"pin", "12"}}, s)->status == 400);
  CHECK(server.post("/counsellors/" + oslo_counsellor + "/disable", {}, s)->status == 200);

  const std::string device = bergen_kiosk.device.id;
  CHECK(server.post("/kiosks/" + device + "/revoke", {{"confirm", device}}, s)->status == 403);
  CHECK(DeviceRegistry(server.db()).authenticate(bergen_kiosk.token).has_value());
}

TEST_CASE("HQ revokes a kiosk only with the confirmation, and the kiosk is refused after") {
  HqServer server;
  server.add_user("anna", "admin");
  const Session s = server.sign_in("anna");
  const Enrolment kiosk = enrol(server.db(), "OSLO");
  const std::string path = "/kiosks/" + kiosk.device.id + "/revoke";
  auto res = server.post(path, json::object(), s);
  CHECK(res->status == 400);
  CHECK(body_of(res)["error"]["message"].get<std::string>().find("confirm") != std::string::npos);
  CHECK(server.post(path, {{"confirm", "something-else"}}, s)->status == 400);
  CHECK(DeviceRegistry(server.db()).authenticate(kiosk.token).has_value());
  CHECK(server.post("/kiosks/nope/revoke", {{"confirm", "nope"}}, s)->status == 404);

  res = server.post(path, {{"confirm", kiosk.device.id}}, s);
  REQUIRE(res->status == 200);
  CHECK(body_of(res)["revoked"] == true);
  auto refused = DeviceRegistry(server.db()).authenticate(kiosk.token);
  REQUIRE(!refused.has_value());
  CHECK(refused.error().code == "revoked");
  // Over the protocol, the kiosk's next request is refused as revoked.
  httplib::Headers bearer{{"Authorization", "Bearer " + kiosk.token}};
  auto pull = server.client().Get("/v1/pull", bearer);
  REQUIRE(pull);
  CHECK(pull->status == 401);
  CHECK(error_code(pull) == "revoked");

  auto audit = body_of(server.get("/audit?limit=50", s));
  CHECK(has_entry(audit, "device.revoked", "hq:anna"));
  CHECK(has_entry(audit, "hq.signed_in", "hq:anna"));
}

TEST_CASE("HQ publishing: the check places problems and previews, and a bad upload publishes nothing") {
  HqServer server;
  server.add_user("mads", "manager");
  const Session s = server.sign_in("mads");

  json bad = intake_form();
  for (auto& f : bad["fields"]) {
    if (f["name"] == "sex") f["type"] = "bogus";
  }
  auto res = server.post("/publish/check", {{"kind", "form"}, {"definition", bad}}, s);
  REQUIRE(res->status == 200);
  json checked = body_of(res);
  CHECK(checked["ok"] == false);
  REQUIRE(checked["errors"].size() == 1);
  CHECK(checked["errors"][0]["field"] == "sex");
  CHECK(checked["errors"][0]["page"] == "identity");
  res = server.post("/publish", {{"kind", "form"}, {"definition", bad}, {"centres", json::array()}}, s);
  CHECK(res->status == 400);
  CHECK(error_code(res) == "invalid_request");
  CHECK(body_of(res)["error"]["message"].get<std::string>().find("sex") != std::string::npos);
  CHECK(server.post("/publish", {{"kind", "form"}, {"definition", "not an object"}}, s)->status == 400);
  CHECK(body_of(server.get("/published", s))["published"].empty());

  res = server.post("/publish/check", {{"kind", "form"}, {"definition", intake_form()}}, s);
  checked = body_of(res);
  CHECK(checked["ok"] == true);
  CHECK(checked["errors"].empty());
  REQUIRE(checked["preview"]["pages"].size() >= 2);
  const json& first_page = checked["preview"]["pages"][0];
  CHECK(first_page["id"] == "identity");
  CHECK(first_page["title"]["en"] == "Identity");
  CHECK(!first_page["fields"].empty());
  CHECK(first_page["fields"][0].contains("label"));

  auto bundle = content::pack_bundle_directory(std::string(WS_SOURCE_ASSETS_DIR) + "/content/avrr-info");
  REQUIRE(bundle.has_value());
  checked = body_of(server.post("/publish/check", {{"kind", "content"}, {"definition", *bundle}}, s));
  REQUIRE(checked["ok"] == true);
  bool saw_rtl = false;
  for (const auto& lang : checked["preview"]["languages"]) {
    if (lang["code"] == "ar") saw_rtl = lang["dir"] == "rtl";
    if (lang["code"] == "nb") CHECK(lang["dir"] == "ltr");
  }
  CHECK(saw_rtl);
  CHECK(checked["preview"]["pages"][0]["languages"]["ar"]["dir"] == "rtl");

  res = server.post("/publish", {{"kind", "form"}, {"definition", intake_form()}, {"centres", {"OSLO", "BERGEN"}}}, s);
  REQUIRE(res->status == 200);
  CHECK(body_of(res)["published"].size() == 2);
  auto published = body_of(server.get("/published?kind=form", s))["published"];
  REQUIRE(published.size() == 2);
  CHECK(published[0]["id"] == "intake");
}

TEST_CASE("HQ users: admins add, change and disable users, and a password change keeps this session only") {
  HqServer server;
  server.add_user("anna", "admin");
  const Session admin = server.sign_in("anna");
  auto res = server.post("/users", {{"name", "vera"}, {"role", "viewer"}, {"password", kPassword}, {"centres", {"OSLO"}}},
                         admin);
  REQUIRE(res->status == 200);
  const std::string vera_id = body_of(res)["id"];
  CHECK(server.post("/users", {{"name", "vera"}, {"role", "viewer"}, {"password", kPassword}}, admin)->status == 409);
  CHECK(server.post("/users", {{"name", "x"}, {"role", "king"}, {"password", kPassword}}, admin)->status == 400);

  Session vera = server.sign_in("vera");
  CHECK(vera.me["user"]["centres"] == json({"OSLO"}));
  res = server.post("/users/" + vera_id + "/role", {{"role", "manager"}, {"centres", {"OSLO", "BERGEN"}}}, admin);
  REQUIRE(res->status == 200);
  // A changed role or scope takes effect at once: the old session is gone.
  CHECK(server.get("/me", vera)->status == 401);
  vera = server.sign_in("vera");
  CHECK(vera.me["user"]["role"] == "manager");

  res = server.post("/me/password", {{"current", "wrong wrong"}, {"new", "a new password"}}, vera);
  CHECK(res->status == 403);
  CHECK(server.get("/me", vera)->status == 200);
  REQUIRE(server.post("/me/password", {{"current", kPassword}, {"new", "a new password"}}, vera)->status == 200);
  CHECK(server.get("/me", vera)->status == 200);
  CHECK(server.sign_in_raw("vera", kPassword)->status == 401);

  CHECK(server.post("/users/" + admin.me["user"]["id"].get<std::string>() + "/disable", {}, admin)->status == 409);
  REQUIRE(server.post("/users/" + vera_id + "/disable", {}, admin)->status == 200);
  CHECK(server.get("/me", vera)->status == 401);
  auto users = body_of(server.get("/users", admin))["users"];
  REQUIRE(users.size() == 2);
  CHECK(!users.dump().empty());
  CHECK(users.dump().find("password") == std::string::npos);

  auto audit = body_of(server.get("/audit", admin));
  CHECK(has_entry(audit, "user.added", "hq:anna"));
  CHECK(has_entry(audit, "user.role_changed", "hq:anna"));
  CHECK(has_entry(audit, "user.disabled", "hq:anna"));
  CHECK(has_entry(audit, "hq.password_changed", "hq:vera"));
  CHECK(has_entry(audit, "hq.sign_in_failed", "hq:vera"));
}

TEST_CASE("a scoped HQ admin manages only users within its own centres") {
  HqServer server;
  server.add_user("olga", "admin", {"OSLO"});
  const Session s = server.sign_in("olga");
  CHECK(server.post("/users", {{"name", "u1"}, {"role", "admin"}, {"password", kPassword}}, s)->status == 403);
  CHECK(server.post("/users", {{"name", "u2"}, {"role", "viewer"}, {"password", kPassword}, {"centres", {"BERGEN"}}}, s)
            ->status == 403);
  auto everyone = server.add_user("root", "admin");
  CHECK(server.post("/users/" + everyone.id + "/disable", {}, s)->status == 403);
}

}  // namespace ws::server::hq::test

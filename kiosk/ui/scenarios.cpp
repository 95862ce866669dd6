#include "kiosk/ui/scenarios.hpp"

#include <algorithm>
#include <set>

#include "kiosk/core/vm/workspace.hpp"

namespace ws::kiosk::ui {
namespace {

// The form screens worth a screenshot, in the order a case goes.
constexpr const char* kFormIds[] = {"case", "intake", "counselling", "reintegration", "consent", "appointment"};

Status open_fixture_case(vm::FixtureWorld& w, std::int64_t now_ms) {
  if (auto s = w.sign_in(now_ms); !s) return s;
  return w.workspace->open_case(w.first_case_id());
}

Status open_fixture_form(vm::FixtureWorld& w, const std::string& form_id, bool filled, std::int64_t now_ms) {
  if (auto s = open_fixture_case(w, now_ms); !s) return s;
  vm::Workspace& ws = *w.workspace;
  const std::string case_id = form_id == "case" ? "" : w.first_case_id();
  if (auto s = ws.open_form(form_id, case_id, form_id == "case" ? w.first_case_id() : ""); !s) return s;
  if (!filled || form_id == "case") return ok();
  // Fill the first page the way a counsellor would have so far.
  const vm::FixturePerson& person = vm::fixture_person(0);
  const auto answers = vm::sample_answers(ws.form()->definition(), person, w.data->today);
  vm::FormEditor& editor = *ws.form();
  for (const forms::Field* f : editor.session().page_fields()) {
    auto it = answers.find(f->name);
    if (it == answers.end() || it->is_null()) continue;
    if (f->type == forms::FieldType::Repeat) {
      for (std::size_t i = 0; i < it->size(); ++i) {
        editor.add_item(f->name);
        for (const auto& [key, value] : (*it)[i].items())
          if (!value.is_null()) editor.set_answer(f->name + "." + std::to_string(i) + "." + key, value);
      }
    } else if (f->type == forms::FieldType::MultipleChoice) {
      for (const auto& v : *it) editor.toggle_choice(f->name, v.get<std::string>());
    } else {
      editor.set_answer(f->name, *it);
    }
  }
  return ok();
}

// The first case with two edits made on this kiosk that later edits from another kiosk
// replaced: one still open, one already restored.
Status add_fixture_conflicts(vm::FixtureWorld& w) {
  const std::string case_id = w.first_case_id();
  const vm::MemoryRecord* c = w.data->find(case_id);
  if (!c) return fail("not_found", "no fixture case");
  const std::string status = c->answers.value("status", std::string());
  const std::string lost_status = status == "considering" ? "will_apply" : "considering";
  w.data->conflicts.push_back(
      {1, case_id, "status", lost_status, "device 0190c2a1", "2024-05-14 09:12", "2024-05-14 08:55", false});
  w.data->conflicts.push_back(
      {2, case_id, "date_opened", "2024-03-01", "device 0190c2a1", "2024-05-13 16:40", "2024-05-13 16:02", true});
  return ok();
}

// Typed text in the shaped field: a Dari name, a nationality that mixes scripts, notes that
// start in English and name places in Dari (left-to-right) or start in Dari (right-to-left).
// All fictional.
Status open_mixed_text_form(vm::FixtureWorld& w, bool notes_page, std::int64_t now_ms) {
  if (!notes_page) {
    if (auto s = open_fixture_form(w, "intake", true, now_ms); !s) return s;
    vm::FormEditor& editor = *w.workspace->form();
    editor.set_answer("name_native", "احمد رضایی");
    editor.set_answer("nationality", "Afghanistan (افغانستان), born 1990");
    return ok();
  }
  if (auto s = open_fixture_form(w, "counselling", true, now_ms); !s) return s;
  vm::FormEditor& editor = *w.workspace->form();
  editor.set_answer("interpreter_used", false);  // the page is complete without a mode
  if (!editor.go_to_page(1)) return fail("scenario", "the notes page did not open");
  editor.set_answer("questions_asked",
                    "Asked whether his brother in کابل can meet him at the airport, and how long the "
                    "support in هرات lasts. Wants the answers in Dari.");
  editor.set_answer("information_given", "برنامه بازگشت داوطلبانه و کمک نقدی توضیح داده شد; leaflet v2024-05 given.");
  return ok();
}

// The admin on the Accounts screen of a kiosk whose vault holds copies for the first counsellor
// and the admin only: the other account came from HQ. With `dialog`, "Give access on this
// kiosk" was tapped for it and confirmed: its holder's PIN pad shows.
Status prepare_vault_grant(vm::FixtureWorld& w, bool dialog, std::int64_t now_ms) {
  const std::set<std::string> holders{w.counsellor_id(), w.admin_id()};
  w.data->set_vault_copies(holders);
  w.workspace->refresh_accounts();
  if (auto s = w.sign_in(now_ms, w.admin_id()); !s || !dialog) return s;
  for (const auto& a : w.data->accounts) {
    if (holders.count(a.id)) continue;
    if (auto s = w.workspace->start_grant(a.id); !s) return s;
    w.workspace->confirm_grant();
    return ok();
  }
  return fail("scenario", "every fixture account holds a copy");
}

}  // namespace

std::vector<std::string> scenario_names(const ScreenRegistry& registry, const vm::FixtureWorld& world) {
  std::vector<std::string> names;
  // An alias ("home") is the screen it names, already in the list under its own name.
  for (const auto& n : registry.names())
    if (const ScreenSpec* spec = registry.find(n); spec && spec->name == n) names.push_back(n);
  for (const char* id : kFormIds)
    if (world.forms.find(id)) names.push_back(std::string("form:") + id);
  names.insert(names.end(), {"form:intake-errors", "form:case-new", "form:intake-new", "sync-offline", "sync-syncing",
                              "sync-clock", "idle-lock", "login-first-setup", "case-conflicts", "form:intake-mixed",
                              "form:counselling-notes", "appointment:sample", "keyboard-prs", "keyboard-ti",
                              "keyboard-numeric", "accounts-no-copy", "accounts-grant"});
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

Result<ScenarioTarget> prepare_scenario(const std::string& name, const ScreenRegistry& registry,
                                        vm::FixtureWorld& world, std::int64_t now_ms) {
  vm::MemoryWorkspaceData& data = *world.data;
  vm::Workspace& ws = *world.workspace;
  auto done = [&](Status s, ScenarioTarget target) -> Result<ScenarioTarget> {
    if (!s) return fail(s.error());
    if (target.now_ms == 0) target.now_ms = now_ms;
    return target;
  };

  if (name == "login") return done(ok(), {"login", ""});
  if (name.rfind("keyboard-", 0) == 0 && !scenario_script(name).taps.empty()) return done(ok(), {"appointment", ""});
  if (name == "login-first-setup") {
    // A new kiosk: no account has been made or synced yet.
    data.accounts.clear();
    ws.refresh_accounts();
    return done(ok(), {"login", ""});
  }
  if (name == "accounts") return done(world.sign_in(now_ms, world.admin_id()), {"accounts", ""});
  if (name == "accounts-no-copy" || name == "accounts-grant")
    return done(prepare_vault_grant(world, name == "accounts-grant", now_ms), {"accounts", ""});
  if (name == "cases") return done(world.sign_in(now_ms), {"cases", ""});
  if (name == "case") return done(open_fixture_case(world, now_ms), {"case", world.first_case_id()});
  if (name == "case-conflicts") {
    auto s = add_fixture_conflicts(world);
    if (s) s = open_fixture_case(world, now_ms);
    return done(s, {"case", world.first_case_id()});
  }
  if (name == "sync" || name == "sync-offline" || name == "sync-syncing" || name == "sync-clock") {
    if (name == "sync-clock") {
      data.status.clock_offset_ms = -3LL * 24 * 3600 * 1000;  // this kiosk's clock runs 3 days ahead
    } else if (name == "sync-offline") {
      data.status.online = false;
      data.status.pending = 7;
      data.status.last_error = "Cannot reach the server: connection refused. Records are kept here and sent later.";
      data.status.last_round_ok = false;
      data.status.last_round_ms = data.unix_ms - 30'000;
    } else if (name == "sync-syncing") {
      data.status.syncing = true;
      data.status.pending = 120;
      data.status.progress_sent = 48;
      data.status.progress_total = 120;
    }
    auto s = world.sign_in(now_ms);
    ws.refresh_sync();
    return done(s, {"sync", ""});
  }
  if (name == "idle-lock") {
    // The "are you still here?" prompt: signed in, then idle past the warning time.
    auto s = open_fixture_form(world, "intake", true, now_ms);
    const std::int64_t later = now_ms + vm::SessionPolicy{}.idle_warning_ms + 12'000;
    if (s) ws.tick(later);
    return done(s, {"form", "intake", later});
  }
  if (name == "form:intake-errors") {
    auto s = open_fixture_form(world, "intake", false, now_ms);
    if (s) {
      // A first answer, then "Next": the page refuses and shows what is missing.
      ws.form()->next_page();
    }
    return done(s, {"form", "intake"});
  }
  if (name == "form:intake-mixed" || name == "form:counselling-notes") {
    const bool notes = name == "form:counselling-notes";
    return done(open_mixed_text_form(world, notes, now_ms), {"form", notes ? "counselling" : "intake"});
  }
  if (name == "form:case-new") {
    // "+ New case": the case number made by the kiosk, the counsellor chosen by name.
    auto s = world.sign_in(now_ms);
    if (s) s = ws.open_form("case", "", "");
    return done(s, {"form", "case"});
  }
  if (name == "form:intake-new") {
    // A new intake of a case: the person's names come from the case.
    auto s = open_fixture_case(world, now_ms);
    if (s) s = ws.open_form("intake", world.first_case_id(), "");
    return done(s, {"form", "intake"});
  }
  if (name.rfind("form:", 0) == 0) {
    const std::string form_id = name.substr(5);
    if (!world.forms.find(form_id)) return fail("unknown_screen", "no form called '" + form_id + "'");
    return done(open_fixture_form(world, form_id, true, now_ms), {"form", form_id});
  }
  // Any other registered screen, with an optional ":param" (e.g. the migrant screens).
  const auto colon = name.find(':');
  ScenarioTarget target{name.substr(0, colon), colon == std::string::npos ? "" : name.substr(colon + 1)};
  const ScreenSpec* spec = registry.find(target.screen);
  if (!spec) return fail("unknown_screen", "unknown screen '" + name + "'");
  target.screen = spec->name;  // an alias ("home") shows the screen under its own name
  if (spec->audience == Audience::Staff) return done(world.sign_in(now_ms), target);
  return done(ok(), target);
}

// The on-screen keyboard over the appointment form: a Dari name being typed, the Tigrinya
// syllable picker open on መ after typing ሰላ, the phone pad with "+47" typed.
ScenarioScript scenario_script(const std::string& name) {
  if (name == "keyboard-prs") return {"prs", {"appointment_name", "kb_u0627", "kb_u062d", "kb_u0645", "kb_u062f"}};
  if (name == "keyboard-ti")
    return {"ti", {"appointment_name", "kb_c1230", "kb_s1230", "kb_c1208", "kb_s120b", "kb_c1218"}};
  if (name == "keyboard-numeric") return {"en", {"appointment_phone", "kb_u002b", "kb_u0034", "kb_u0037"}};
  if (name == "accounts-grant") return {"", {"2", "4", "6", "8"}};  // the holder has typed four digits
  return {};
}

}  // namespace ws::kiosk::ui

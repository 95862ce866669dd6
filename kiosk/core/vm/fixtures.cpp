#include "kiosk/core/vm/fixtures.hpp"

#include <algorithm>
#include <cctype>
#include <iterator>

#include "ws/crypto.hpp"
#include "ws/ids.hpp"

namespace ws::kiosk::vm {
namespace {

// Clearly fictional people: DEMO- case numbers, invented names and dates.
const FixturePerson kPeople[] = {
    {"DEMO-2024-0117", "Farid", "Rahimi", "فرید رحیمی", "1991-03-12", "afg", "prs", 1, "2024-04-02"},
    {"DEMO-2024-0121", "Mariam", "Haidari", "مریم حیدری", "1987-11-02", "afg", "prs", 0, "2024-04-09"},
    {"DEMO-2024-0098", "Olena", "Kovalenko", "Олена Коваленко", "1979-06-25", "ukr", "uk", 2, "2024-03-11"},
    {"DEMO-2024-0134", "Yonas", "Tesfay", "ዮናስ ተስፋይ", "1996-01-19", "eri", "ti", 1, "2024-04-22"},
    {"DEMO-2024-0076", "Hodan", "Abdi Warsame", "Hodan Cabdi Warsame", "1990-08-08", "som", "so", 3, "2024-02-19"},
    {"DEMO-2024-0140", "Gul Ahmad", "Zadran", "ګل احمد ځدران", "1985-04-30", "afg", "ps", 0, "2024-05-06"},
    {"DEMO-2024-0112", "Samir", "Haddad", "سمير حداد", "1983-12-14", "irq", "ar", 2, "2024-03-28"},
    {"DEMO-2024-0089", "Sara", "Tesfamariam", "ሳራ ተስፋማርያም", "2001-02-27", "eri", "ti", 4, "2024-03-04"},
};

const struct {
  const char* id;
  const char* name;
  const char* role;
} kCounsellors[] = {
    {"0190a0f0-0000-7000-8000-00000000c001", "Ingrid Solberg", "counsellor"},
    {"0190a0f0-0000-7000-8000-00000000c002", "Yusuf Karimi", "counsellor"},
    {"0190a0f0-0000-7000-8000-00000000c003", "Marte Lie", "admin"},
};

bool contains(const std::string& haystack, const std::string& needle) {
  std::string h = haystack;
  std::transform(h.begin(), h.end(), h.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return h.find(needle) != std::string::npos;
}

const forms::Choice* pick_choice(const forms::Field& f, const std::vector<std::string>& hints) {
  for (const auto& hint : hints)
    for (const auto& c : f.choices)
      if (!c.exclusive && (contains(c.value, hint) || contains(std::string(c.label_for("en").text), hint))) return &c;
  for (const auto& c : f.choices)
    if (!c.exclusive) return &c;
  return f.choices.empty() ? nullptr : &f.choices.front();
}

nlohmann::json text_for(const forms::Field& f, const FixturePerson& p) {
  const std::string& n = f.name;
  if (contains(n, "given") || contains(n, "first_name")) return p.given_name;
  if (contains(n, "family") || contains(n, "surname") || contains(n, "last_name")) return p.family_name;
  if (n == "case_number") return p.case_number;
  if (contains(n, "native")) return p.native_name;
  if (contains(n, "name")) return std::string(p.given_name) + " " + p.family_name;
  if (contains(n, "phone")) return "+47 400 00 000";
  if (contains(n, "nationality") || contains(n, "country")) {
    const std::string c = p.country;
    return c == "afg" ? "Afghanistan" : c == "ukr" ? "Ukraine" : c == "eri" ? "Eritrea" : c == "som" ? "Somalia" : "Iraq";
  }
  if (contains(n, "region")) return "Herat province";
  if (contains(n, "city") || contains(n, "town") || contains(n, "place")) return "Herat";
  if (contains(n, "address")) return "Reception centre, room 12";
  if (contains(n, "document") || contains(n, "passport")) return "Expired passport (copy on file)";
  if (f.type == forms::FieldType::LongText)
    return "Discussed the options for return and the support available. Wants time to talk with family before "
           "deciding. Follow-up booked.";
  return "Sample answer";
}

nlohmann::json answer_for(const forms::Field& f, const FixturePerson& p, const std::string& today) {
  using forms::FieldType;
  switch (f.type) {
    case FieldType::Text:
    case FieldType::LongText: return text_for(f, p);
    case FieldType::Number: {
      double v = f.min ? *f.min : 1.0;
      if (contains(f.name, "member") || contains(f.name, "children") || contains(f.name, "count")) v = std::max(v, 2.0);
      if (f.max) v = std::min(v, *f.max);
      return f.integer ? nlohmann::json(static_cast<long long>(v)) : nlohmann::json(v);
    }
    case FieldType::Date:
      if (contains(f.name, "birth") || contains(f.name, "born") || contains(f.name, "dob")) return p.born;
      if (contains(f.name, "arriv")) return "2023-09-15";
      return f.not_in_future || f.max_date == "today" ? p.opened : today;
    case FieldType::SingleChoice: {
      const auto* c = pick_choice(f, {p.country, p.language, "interpreter", "yes"});
      return c ? nlohmann::json(c->value) : nlohmann::json();
    }
    case FieldType::MultipleChoice: {
      const auto* c = pick_choice(f, {p.language});
      return c ? nlohmann::json::array({c->value}) : nlohmann::json();
    }
    case FieldType::YesNo: return true;
    default: return nlohmann::json();
  }
}

void fill(forms::FormSession& s, const std::vector<forms::Field>& fields, const std::string& prefix,
          const FixturePerson& p, const std::string& today) {
  for (const auto& f : fields) {
    if (!forms::takes_answer(f.type)) continue;
    const std::string path = prefix + f.name;
    if (!s.is_relevant(path)) continue;
    if (f.type == forms::FieldType::Repeat) {
      const std::size_t items = std::max<std::size_t>(1, f.min_count.value_or(1));
      for (std::size_t i = 0; i < items && i < 2; ++i) {
        auto index = s.add_item(path);
        if (!index) break;
        FixturePerson relative = p;
        relative.given_name = *index == 0 ? "Nadia" : "Omid";
        relative.born = *index == 0 ? "2015-07-03" : "2018-10-21";
        fill(s, f.fields, path + "." + std::to_string(*index) + ".", relative, today);
      }
      continue;
    }
    if (f.type == forms::FieldType::MultipleChoice) {
      auto v = answer_for(f, p, today);
      if (v.is_array() && !v.empty()) (void)s.toggle_choice(path, v.front().get<std::string>());
      continue;
    }
    auto v = answer_for(f, p, today);
    if (!v.is_null()) (void)s.set_answer(path, v);
  }
}

// Appointment requests made on the centre's kiosks (fictional people): two new ones, one a
// counsellor already called.
void add_fixture_requests(MemoryWorkspaceData& d, const forms::FormRegistry& forms, const std::string& handler) {
  const auto* def = forms.find("appointment");
  if (!def) return;
  struct Request {
    const char* name;
    const char* language;
    const char* phone;
    const char* when;
    const char* status;
    RecordSync sync;
  };
  const Request requests[] = {
      {"\xd9\x86\xd8\xa7\xd9\x87\xdb\x8c\xd8\xaf \xd8\xb9\xd8\xb2\xdb\x8c\xd8\xb2\xdb\x8c", "prs",
       "+47 400 00 117", "2024-05-14 09:12", "", RecordSync::Synced},  // ناهید عزیزی
      {"Hamdi Warsame", "so", "", "2024-05-13 15:40", "", RecordSync::Synced},
      {"Tetiana Bondar", "uk", "+47 400 00 231", "2024-05-10 11:05", "contacted", RecordSync::Pending},
  };
  for (const auto& q : requests) {
    MemoryRecord r;
    r.id = new_uuid_v7();
    r.kind = "appointment";
    r.schema_version = def->version;
    r.answers = {{"name", q.name}, {"preferred_language", q.language}, {"consent_contact", true}};
    if (*q.phone) r.answers["phone"] = q.phone;
    if (*q.status) {
      r.answers["_inbox_status"] = q.status;
      r.answers["_handled_by"] = handler;
    }
    r.when = q.when;
    r.sync = q.sync;
    d.records.push_back(std::move(r));
  }
}

}  // namespace

const FixturePerson& fixture_person(std::size_t index) { return kPeople[index % std::size(kPeople)]; }

nlohmann::json sample_answers(const forms::FormDefinition& form, const FixturePerson& person, const std::string& today) {
  forms::FormSession session(form, forms::SessionOptions{today});
  fill(session, form.fields, "", person, today);
  // Whatever the form still refuses (a pattern or constraint the fixtures cannot know) is left
  // unanswered rather than shown as a fixture bug.
  forms::ValidationOptions options;
  options.today = today;
  for (int round = 0; round < 3; ++round) {
    auto errors = forms::validate(form, session.answers(), options);
    bool cleared = false;
    for (const auto& e : errors) {
      if (e.code == "required" || e.field.empty()) continue;
      if (session.clear_answer(e.field)) cleared = true;
    }
    if (!cleared) break;
  }
  return session.answers();
}

Status FixtureWorld::sign_in(std::int64_t now_ms, const std::string& account_id) {
  Session& s = workspace->session();
  if (s.signed_in()) return ok();
  if (!s.submit(account_id.empty() ? counsellor_id() : account_id, kFixturePin, now_ms)) return fail("sign_in", s.last_error());
  s.wait_for_verification();
  workspace->tick(now_ms);
  if (!s.signed_in()) return fail("sign_in", "fixture sign-in failed: " + s.last_error());
  return ok();
}

std::string FixtureWorld::first_case_id() const {
  for (const auto& r : data->records)
    if (r.kind == "case") return r.id;
  return {};
}

std::string FixtureWorld::counsellor_id() const { return kCounsellors[0].id; }

std::string FixtureWorld::admin_id() const { return kCounsellors[2].id; }

Result<std::unique_ptr<FixtureWorld>> make_fixture_world(const std::string& assets_dir, SessionPolicy policy) {
  auto world = std::make_unique<FixtureWorld>();
  if (auto loaded = world->forms.load_directory(assets_dir + "/forms"); !loaded && world->forms.size() == 0)
    return fail(loaded.error());
  world->data = std::make_unique<MemoryWorkspaceData>(world->forms);
  MemoryWorkspaceData& d = *world->data;

  // One real Argon2id hash shared by the fixture accounts: sign-in runs the real check. Made
  // once per process: the layout check builds a fresh world for every screen it draws.
  static const Result<std::string> hash = crypto::hash_password(kFixturePin);
  if (!hash) return fail(hash.error());
  for (const auto& c : kCounsellors) d.accounts.push_back({c.id, c.name, c.role, *hash});
  // The demo kiosk is one in daily use: its counsellors signed in on it yesterday, so the
  // sign-in screen lists them (a new kiosk lists nobody and asks for a typed name).
  for (const auto& c : kCounsellors) d.login_guards[c.id] = LoginGuard{0, 0, d.unix_ms - 24 * 3600'000LL};

  std::vector<std::string> statuses;
  if (const auto* def = world->forms.find("case"))
    if (const auto* f = def->find_field("status"))
      for (const auto& c : f->choices) statuses.push_back(c.value);

  int n = 0;
  for (const auto& p : kPeople) {
    MemoryRecord c;
    c.id = new_uuid_v7();
    c.kind = "case";
    c.when = std::string(p.opened) + " 09:30";
    const auto& counsellor = kCounsellors[n % 2];
    c.author = counsellor.name;
    c.sync = RecordSync::Synced;
    if (const auto* def = world->forms.find("case")) {
      c.schema_version = def->version;
      c.answers = sample_answers(*def, p, p.opened);
    }
    // Only questions the case form has, so the record can be opened for editing.
    auto set_if_asked = [&](const char* key, nlohmann::json value) {
      const auto* def = world->forms.find("case");
      if (def && def->find_field(key)) c.answers[key] = std::move(value);
    };
    set_if_asked("case_number", p.case_number);
    if (!statuses.empty())
      set_if_asked("status", statuses[static_cast<std::size_t>(p.status_index) % statuses.size()]);
    set_if_asked("counsellor", counsellor.id);
    set_if_asked("date_opened", p.opened);
    const std::string case_id = c.id;
    d.records.push_back(std::move(c));

    // A short history for the first cases: interviews and sessions in different sync states.
    struct Step {
      const char* kind;
      const char* when;
      RecordSync sync;
      const char* reason;
    };
    std::vector<Step> steps;
    if (n == 0)
      steps = {{"intake", "2024-04-02 10:15", RecordSync::Synced, ""},
               {"consent", "2024-04-02 10:50", RecordSync::Synced, ""},
               {"counselling", "2024-04-16 13:00", RecordSync::Synced, ""},
               {"counselling", "2024-05-13 09:40", RecordSync::Pending, ""}};
    if (n == 2)
      steps = {{"intake", "2024-03-11 11:00", RecordSync::Synced, ""},
               {"reintegration", "2024-05-10 14:20", RecordSync::Quarantined,
                "Refused: this form version was withdrawn at HQ (reintegration v1). Open and save it again."}};
    if (n == 3) steps = {{"intake", "2024-04-22 09:05", RecordSync::Pending, ""}};
    for (const auto& s : steps) {
      const auto* def = world->forms.find(s.kind);
      if (!def) continue;
      MemoryRecord r;
      r.id = new_uuid_v7();
      r.kind = s.kind;
      r.schema_version = def->version;
      r.answers = sample_answers(*def, p, std::string(s.when).substr(0, 10));
      r.answers["_case_id"] = case_id;
      r.answers["_counsellor"] = counsellor.id;
      r.when = s.when;
      r.author = counsellor.name;
      r.sync = s.sync;
      r.quarantine_reason = s.reason;
      d.records.push_back(std::move(r));
    }
    ++n;
  }

  add_fixture_requests(d, world->forms, kCounsellors[0].id);

  d.status.enrolled = true;
  d.status.online = true;
  d.status.pending = 2;
  d.status.quarantined = 1;
  d.status.last_success_ms = 1715679720000;  // a fixed, fictional instant (2024-05-14)
  // The last round ended 4 s before the fixtures' "now"; the next one is planned in 12 s.
  d.status.rounds_finished = 3;
  d.status.last_round_ok = true;
  d.status.last_round_sent = 3;
  d.status.last_round_received = 12;
  d.status.last_round_ms = d.unix_ms - 4'000;
  d.status.next_attempt_ms = d.unix_ms + 11'200;

  world->workspace = std::make_unique<Workspace>(d, policy, Session::Verifier{}, d.today);
  return world;
}

}  // namespace ws::kiosk::vm

// The workspace's appointment inbox, case numbers and prefilled forms.
#include <algorithm>

#include "kiosk/core/vm/case_number.hpp"
#include "kiosk/core/vm/workspace.hpp"
#include "ws/forms/date.hpp"
#include "ws/forms/form.hpp"

namespace ws::kiosk::vm {
namespace {

std::string text_of(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Latin letters only (any accents): the case form keeps such a name as name_latin; a name in
// another script goes to name_native and the counsellor writes the Latin spelling.
bool is_latin(const std::string& text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b < 0x80) continue;
    if (b >= 0xC3 && b <= 0xC9) {  // U+00C0..U+024F (two-byte Latin-1 and Latin Extended)
      ++i;
      continue;
    }
    return false;
  }
  return true;
}

// "دری · Dari" -> "Dari": counsellors read the English part (ImGui cannot shape the other).
std::string english_part(const std::string& label) {
  const auto dot = label.rfind("\xc2\xb7 ");
  return dot == std::string::npos ? label : label.substr(dot + 3);
}

}  // namespace

std::string Workspace::person_name(const std::string& account_id) const {
  for (const auto& a : session_.accounts())
    if (a.id == account_id) return a.name;
  return {};
}

void Workspace::reload_inbox() {
  if (!session_.signed_in()) return;
  auto listed = data_.records_of_kind("appointment");
  if (!listed) {
    set_notice(listed.error().message, true);
    return;
  }
  const forms::FormDefinition* def = definition("appointment");
  const forms::Field* language = def ? def->find_field("preferred_language") : nullptr;
  inbox_.clear();
  for (const auto& r : *listed) {
    AppointmentRequest q = request_from_answers(r.id, r.answers);
    q.asked_at = r.created;
    q.sync = r.sync;
    q.handled_by_name = person_name(q.handled_by);
    if (q.language_label.empty() && language)
      if (const auto* c = language->find_choice(q.language)) q.language_label = english_part(std::string(c->label_for("en").text));
    if (q.language_label.empty()) q.language_label = q.language;
    inbox_.push_back(std::move(q));
  }
  // New ones first, then by time asked, newest first.
  std::stable_sort(inbox_.begin(), inbox_.end(), [](const AppointmentRequest& a, const AppointmentRequest& b) {
    if ((a.status == "new") != (b.status == "new")) return a.status == "new";
    return a.asked_at > b.asked_at;
  });
}

Status Workspace::set_request_status(const std::string& request_id, const std::string& status) {
  const CounsellorAccount* me = session_.counsellor();
  if (!me) return fail("signed_out", "Sign in first.");
  if (!is_request_status(status)) return fail("invalid_status", "unknown request status");
  const auto* def = definition("appointment");
  auto saved = data_.save_record("appointment", request_id,
                                 nlohmann::json{{"_inbox_status", status}, {"_handled_by", me->id}},
                                 def ? def->version : 1);
  if (!saved) {
    set_notice(saved.error().message, true);
    return fail(saved.error());
  }
  data_.request_sync();
  reload_inbox();
  set_notice(std::string("Request marked ") + request_status_label(status) + ".");
  return ok();
}

Status Workspace::make_case_from_request(const std::string& request_id) {
  auto it = std::find_if(inbox_.begin(), inbox_.end(), [&](const AppointmentRequest& r) { return r.id == request_id; });
  if (it == inbox_.end()) return fail("not_found", "This request is not on this kiosk.");
  const AppointmentRequest request = *it;
  if (auto s = open_form("case", "", ""); !s) return s;
  forms::FormSession& session = form_->session_mut();
  const bool latin = is_latin(request.name);
  if (!request.name.empty() && definition("case")->find_field(latin ? "name_latin" : "name_native"))
    (void)session.set_answer(latin ? "name_latin" : "name_native", request.name);
  request_for_new_case_ = request.id;
  return ok();
}

// After the case made from a request was saved: the request names its case and is contacted.
void Workspace::link_request_to_case(const std::string& case_id) {
  const std::string request_id = std::exchange(request_for_new_case_, {});
  const CounsellorAccount* me = session_.counsellor();
  if (request_id.empty() || case_id.empty() || !me) return;
  nlohmann::json patch{{"_case_id", case_id}, {"_handled_by", me->id}};
  for (const auto& r : inbox_)
    if (r.id == request_id && r.status == "new") patch["_inbox_status"] = "contacted";
  const auto* def = definition("appointment");
  if (auto saved = data_.save_record("appointment", request_id, patch, def ? def->version : 1); !saved)
    set_notice(saved.error().message, true);
  reload_inbox();
}

Result<std::string> Workspace::next_case_number() {
  const std::string today = today_.empty() ? forms::today_local() : today_;
  const int year = today.size() >= 4 ? std::stoi(today.substr(0, 4)) : 0;
  const KioskName kiosk = data_.kiosk_name();
  const std::string prefix = case_number_prefix(kiosk.centre, year, kiosk.device_id);
  std::vector<std::string> numbers;
  for (const auto& c : all_cases_) numbers.push_back(c.case_number);
  // The store's sequence survives restarts; the cases on the kiosk cover a store copied from
  // an older version that had no sequence yet.
  auto sequence = data_.next_in_sequence("case_number:" + prefix, next_case_sequence(numbers, prefix));
  if (!sequence) return fail(sequence.error());
  return format_case_number(prefix, *sequence);
}

// A new record of a case starts with what the case already knows: the person's names, the
// case number, and the language of the appointment request the case came from.
void Workspace::prefill_from_case(forms::FormSession& session, const std::string& case_id) {
  nlohmann::json header;
  if (case_ && case_->summary.id == case_id) {
    header = case_->header;
  } else if (auto detail = data_.case_detail(case_id)) {
    header = detail->header;
  }
  const forms::FormDefinition& def = session.definition();
  for (const char* key : {"name_latin", "name_native", "case_number"}) {
    const std::string value = text_of(header, key);
    if (!value.empty() && def.find_field(key)) (void)session.set_answer(key, value);
  }
  const forms::Field* languages = def.find_field("languages");
  if (!languages) return;
  for (const auto& r : inbox_) {
    if (r.case_id != case_id || !languages->find_choice(r.language)) continue;
    (void)session.toggle_choice("languages", r.language);
    break;
  }
}

}  // namespace ws::kiosk::vm

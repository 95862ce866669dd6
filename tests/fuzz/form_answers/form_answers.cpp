// A record's answers against the real shipped forms (assets/forms): the strict validation the
// server runs on every pushed record and the kiosk on every save, clearing answers that do not
// apply, and opening the answers or a draft for editing. Input: one byte picking the form, then
// the answers' JSON; text that is not JSON is typed into a field (answer_from_text) instead.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/fuzz/fuzz.hpp"
#include "ws/envelope.hpp"
#include "ws/forms/input.hpp"
#include "ws/forms/registry.hpp"
#include "ws/forms/session.hpp"
#include "ws/forms/validate.hpp"

namespace ws::fuzz {
namespace {

using nlohmann::json;

const std::vector<const forms::FormDefinition*>& shipped_forms() {
  static const auto forms = [] {
    static forms::FormRegistry registry;
    if (!registry.load_directory(std::string(WS_SOURCE_ASSETS_DIR) + "/forms")) invariant_failed("shipped forms load", __FILE__, __LINE__);
    std::vector<const forms::FormDefinition*> out;
    for (const auto& id : registry.form_ids()) out.push_back(registry.find(id));
    return out;
  }();
  return forms;
}

void type_into_field(const forms::FormDefinition& def, std::uint8_t pick, std::string_view text) {
  std::vector<const forms::Field*> fields;
  for (const auto& [name, location] : def.index) fields.push_back(&def.at(location));
  const forms::Field& field = *fields[pick % fields.size()];
  auto answer = forms::answer_from_text(field, text);
  if (!answer) return;
  (void)forms::answer_to_text(field, *answer);
  forms::FormSession session(def, forms::SessionOptions{"2026-06-15"});
  if (session.set_answer(field.name, std::move(*answer))) (void)session.save_draft();
}

}  // namespace

int form_answers(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const auto& forms = shipped_forms();
  const forms::FormDefinition& def = *forms[data[0] % forms.size()];
  const std::string_view text = text_of(data + 2, size - 2);
  const json answers = json::parse(text, nullptr, /*allow_exceptions=*/false);
  // Answers reach validation only as a record's payload, which the envelope check has already
  // limited in depth (server ingest, kiosk store, kiosk-cli); deeper JSON is typed instead.
  if (answers.is_discarded() || json_depth(answers) > EnvelopeLimits{}.max_depth) {
    type_into_field(def, data[1], text);
    return 0;
  }
  const forms::ValidationOptions options{data[1] % 2 ? "2026-06-15" : "1999-12-31", 100};
  const auto errors = forms::validate(def, answers, options);
  WS_FUZZ_CHECK(errors.size() <= options.max_errors + 1);
  (void)forms::to_json(errors);
  if (!answers.is_object()) return 0;
  const json cleared = forms::clear_irrelevant(def, answers, options.today);
  (void)forms::validate(def, cleared, options);
  const forms::SessionOptions session_options{options.today};
  if (auto session = forms::FormSession::edit(def, answers, session_options)) (void)session->save_draft();
  if (auto session = forms::FormSession::from_draft(def, answers, session_options)) {
    for (std::size_t i = 0; i < session->page_count() && session->next(); ++i) (void)session->page_errors();
  }
  return 0;
}

}  // namespace ws::fuzz

WS_FUZZ_ENTRY(form_answers)

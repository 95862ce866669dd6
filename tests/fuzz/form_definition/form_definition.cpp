// A form definition as HQ writes it (assets/forms/*.json, or published through sync): the
// strict parse and every check in parse_definition, then what a kiosk does with a definition
// it accepted: a registry, a session on an empty form, validation of no answers.
#include <nlohmann/json.hpp>

#include "tests/fuzz/fuzz.hpp"
#include "ws/forms/definition.hpp"
#include "ws/forms/registry.hpp"
#include "ws/forms/session.hpp"
#include "ws/forms/validate.hpp"

namespace ws::fuzz {

int form_definition(const std::uint8_t* data, std::size_t size) {
  const auto j = nlohmann::json::parse(text_of(data, size), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return 0;
  auto def = forms::parse_definition(j);
  if (!def) return 0;
  (void)def->languages();
  for (const auto& [name, location] : def->index) {
    WS_FUZZ_CHECK(def->find_field(name) == &def->at(location));
  }
  forms::FormRegistry registry;
  WS_FUZZ_CHECK(registry.add(*def).has_value());
  WS_FUZZ_CHECK(registry.add_json(j).has_value());  // the same definition again is accepted
  const forms::ValidationOptions options{"2026-06-15", 100};
  (void)forms::validate(*def, nlohmann::json::object(), options);
  forms::FormSession session(*def, forms::SessionOptions{"2026-06-15"});
  (void)session.save_draft();
  return 0;
}

}  // namespace ws::fuzz

WS_FUZZ_ENTRY(form_definition)

// The expression language of skip logic, constraints and conditional `required`: parse under
// the default limits, then evaluate against answers of every kind, as validation and the form
// session do. Evaluation must never throw and must give the same value twice.
#include <string>

#include "tests/fuzz/fuzz.hpp"
#include "ws/forms/expression.hpp"

namespace ws::fuzz {
namespace {

using forms::Value;

// Answers chosen by the name's length, so that every kind of value reaches every operator.
class FixedScope final : public forms::Scope {
 public:
  Value field(std::string_view name) const override {
    switch (name.size() % 6) {
      case 0: return Value::empty();
      case 1: return Value::of(true);
      case 2: return Value::of(static_cast<double>(name.size()) - 3.5);
      case 3: return Value::of(std::string("2001-02-28"));
      case 4: return Value::list({"medical", "none", ""});
      default: return Value::of(std::string(name));
    }
  }
  Value current() const override { return Value::of(std::string("yes")); }
  std::string_view today() const override { return "2026-06-15"; }
};

bool same(const Value& a, const Value& b) {
  // NaN is a value a division can give; it equals itself here.
  const bool numbers_same = a.number == b.number || (a.number != a.number && b.number != b.number);
  return a.kind == b.kind && a.boolean == b.boolean && numbers_same && a.text == b.text && a.items == b.items;
}

}  // namespace

int expression(const std::uint8_t* data, std::size_t size) {
  auto parsed = forms::Expression::parse(text_of(data, size));
  if (!parsed) return 0;
  (void)parsed->references();
  (void)parsed->uses_current();
  const FixedScope scope;
  const Value first = parsed->evaluate(scope);
  WS_FUZZ_CHECK(same(first, parsed->evaluate(scope)));
  (void)first.truthy();
  // A parsed expression's own source parses again (definitions are stored and reloaded).
  WS_FUZZ_CHECK(forms::Expression::parse(parsed->source()).has_value());
  return 0;
}

}  // namespace ws::fuzz

WS_FUZZ_ENTRY(expression)

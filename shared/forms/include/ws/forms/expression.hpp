#pragma once
// The expression language of skip logic (`relevant`), constraints and conditional `required`.
// Parsed once when a definition loads; evaluation cannot run code, loop or touch anything
// outside the answers it is given. Grammar and semantics: docs/forms.md.
//
//   ${interpreter_needed} = true
//   ${age} < 18 or ${has_children} = 'yes'
//   selected(${vulnerabilities}, 'medical') and count(${family_members}) > 0
//   . >= ${arrival_date}                      (`.` is the value being checked, constraints only)
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ws/result.hpp"

namespace ws::forms {

// A value as expressions see it. Unanswered and irrelevant fields are Empty; yes/no answers are
// Bool; numbers Number; text, dates and single choices String; multiple choices List; a repeat
// group is the Number of its items (only readable through count()).
struct Value {
  enum class Kind { Empty, Bool, Number, String, List };
  Kind kind = Kind::Empty;
  bool boolean = false;
  double number = 0;
  std::string text;
  std::vector<std::string> items;

  static Value empty() { return {}; }
  static Value of(bool b);
  static Value of(double n);
  static Value of(std::string s);
  static Value list(std::vector<std::string> items);
  bool truthy() const;
};

// A Value as evaluation reads it, owning nothing: text and items view the answers, the
// expression's literals, or a Value the evaluation holds (ValueHolder). Building a Value per node
// (a string and a vector constructed and destroyed) was most of an expression's cost.
struct ValueRef {
  Value::Kind kind = Value::Kind::Empty;
  bool boolean = false;
  double number = 0;
  std::string_view text;
  std::span<const std::string_view> items;

  static ValueRef of(bool b);
  static ValueRef of(double n);  // Empty when not finite, as Value::of
  static ValueRef of(std::string_view s);
  static ValueRef list(std::span<const std::string_view> items);
  bool truthy() const;
  Value to_value() const;
};

// Keeps alive the Values a Scope builds (and views of their list items) while one evaluation
// reads them. Allocates only when a scope builds values; validation's scopes view the answers.
class ValueHolder {
 public:
  ValueRef hold(Value v);

 private:
  struct Held {
    Value value;
    std::vector<std::string_view> items;
  };
  std::vector<std::unique_ptr<Held>> held_;
};

// Where a field sits in its form: a top-level field, or a question inside a repeat group.
struct FieldLocation {
  std::size_t top = 0;
  std::optional<std::size_t> child;
};

// What an expression reads. Implemented by validation and by the form session.
class Scope {
 public:
  virtual ~Scope() = default;
  virtual Value field(std::string_view name) const = 0;
  // A reference its form resolved when it was loaded (Expression::resolve): scopes that keep
  // answers by location read them without looking the name up.
  virtual Value field_at(const FieldLocation& /*where*/, std::string_view name) const { return field(name); }
  virtual Value current() const = 0;                // `.`
  virtual std::string_view today() const = 0;       // yyyy-mm-dd, for today() and age()

  // What evaluation calls (`where` null: an unresolved reference). A view valid while the scope's
  // answers and current value stay as they are; the defaults hold field_at() / current() in
  // `holder`. Scopes over answers they keep override these to view them without copying.
  virtual ValueRef view_field(const FieldLocation* where, std::string_view name, ValueHolder& holder) const {
    return holder.hold(where ? field_at(*where, name) : field(name));
  }
  virtual ValueRef view_current(ValueHolder& holder) const { return holder.hold(current()); }
};

struct Reference {
  std::string name;
  bool counted = false;  // appears directly as the argument of count() or count-selected()
};

struct ExpressionLimits {
  std::size_t max_length = 1024;  // characters of source
  int max_depth = 32;             // nesting of sub-expressions
  std::size_t max_nodes = 256;
};

class Expression {
 public:
  static Result<Expression> parse(std::string_view source, const ExpressionLimits& limits = {});

  // A copy whose every reference carries its field's location, so evaluating it looks no name
  // up. Fails naming the first reference `locate` does not know.
  using Locator = std::function<std::optional<FieldLocation>(std::string_view name)>;
  Result<Expression> resolve(const Locator& locate) const;

  // Never throws; operations on values of the wrong kind give Empty (false in a condition).
  Value evaluate(const Scope& scope) const;
  // evaluate(scope).truthy(), without building the Value.
  bool test(const Scope& scope) const;

  const std::string& source() const;
  const std::vector<Reference>& references() const;
  bool uses_current() const;

  struct Program;  // the parsed tree; immutable and shared between copies

 private:
  explicit Expression(std::shared_ptr<const Program> p) : program_(std::move(p)) {}
  std::shared_ptr<const Program> program_;
};

}  // namespace ws::forms

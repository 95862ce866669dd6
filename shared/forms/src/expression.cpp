#include "ws/forms/expression.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>

#include "shared/forms/src/utf8.hpp"
#include "ws/forms/date.hpp"

namespace ws::forms {

Value Value::of(bool b) {
  Value v;
  v.kind = Kind::Bool;
  v.boolean = b;
  return v;
}
Value Value::of(double n) {
  if (!std::isfinite(n)) return {};
  Value v;
  v.kind = Kind::Number;
  v.number = n;
  return v;
}
Value Value::of(std::string s) {
  Value v;
  v.kind = Kind::String;
  v.text = std::move(s);
  return v;
}
Value Value::list(std::vector<std::string> items) {
  Value v;
  v.kind = Kind::List;
  v.items = std::move(items);
  return v;
}

bool Value::truthy() const {
  switch (kind) {
    case Kind::Empty: return false;
    case Kind::Bool: return boolean;
    case Kind::Number: return number != 0;
    case Kind::String: return !text.empty();
    case Kind::List: return !items.empty();
  }
  return false;
}

ValueRef ValueRef::of(bool b) {
  ValueRef v;
  v.kind = Value::Kind::Bool;
  v.boolean = b;
  return v;
}
ValueRef ValueRef::of(double n) {
  if (!std::isfinite(n)) return {};
  ValueRef v;
  v.kind = Value::Kind::Number;
  v.number = n;
  return v;
}
ValueRef ValueRef::of(std::string_view s) {
  ValueRef v;
  v.kind = Value::Kind::String;
  v.text = s;
  return v;
}
ValueRef ValueRef::list(std::span<const std::string_view> items) {
  ValueRef v;
  v.kind = Value::Kind::List;
  v.items = items;
  return v;
}

bool ValueRef::truthy() const {
  switch (kind) {
    case Value::Kind::Empty: return false;
    case Value::Kind::Bool: return boolean;
    case Value::Kind::Number: return number != 0;
    case Value::Kind::String: return !text.empty();
    case Value::Kind::List: return !items.empty();
  }
  return false;
}

Value ValueRef::to_value() const {
  switch (kind) {
    case Value::Kind::Empty: return {};
    case Value::Kind::Bool: return Value::of(boolean);
    case Value::Kind::Number: return Value::of(number);
    case Value::Kind::String: return Value::of(std::string(text));
    case Value::Kind::List: return Value::list(std::vector<std::string>(items.begin(), items.end()));
  }
  return {};
}

ValueRef ValueHolder::hold(Value v) {
  auto& held = *held_.emplace_back(std::make_unique<Held>());
  held.value = std::move(v);
  const Value& kept = held.value;
  ValueRef ref;
  ref.kind = kept.kind;
  ref.boolean = kept.boolean;
  ref.number = kept.number;
  ref.text = kept.text;
  held.items.assign(kept.items.begin(), kept.items.end());
  ref.items = held.items;
  return ref;
}

namespace {

enum class Op {
  Literal, Field, Current,
  Or, And, Not,
  Eq, Ne, Lt, Le, Gt, Ge,
  Add, Sub, Mul, Div, Mod, Neg,
  Selected, Count, CountSelected, StringLength, Today, Age,
};

struct Node {
  Op op = Op::Literal;
  Value literal;
  std::string name;  // Field
  std::optional<FieldLocation> where;  // Field, once resolved against its form
  std::vector<int> kids;
};

enum class Tok { End, Number, String, Ref, Dot, LParen, RParen, Comma, Eq, Ne, Lt, Le, Gt, Ge, Plus, Minus, Star, Ident };

struct Token {
  Tok kind = Tok::End;
  std::string text;
  double number = 0;
  std::size_t pos = 0;
};

bool is_name_start(char c) { return c >= 'a' && c <= 'z'; }
bool is_name_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }

Unexpected syntax(std::size_t pos, const std::string& what) {
  return fail("invalid_expression", what + " at position " + std::to_string(pos + 1));
}

Result<std::vector<Token>> lex(std::string_view s) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
      continue;
    }
    Token t;
    t.pos = i;
    if (c >= '0' && c <= '9') {
      std::size_t j = i;
      while (j < s.size() && s[j] >= '0' && s[j] <= '9') ++j;
      if (j + 1 < s.size() && s[j] == '.' && s[j + 1] >= '0' && s[j + 1] <= '9') {
        ++j;
        while (j < s.size() && s[j] >= '0' && s[j] <= '9') ++j;
      }
      auto [end, ec] = std::from_chars(s.data() + i, s.data() + j, t.number);
      if (ec != std::errc() || end != s.data() + j) return syntax(i, "bad number");
      t.kind = Tok::Number;
      i = j;
    } else if (c == '\'' || c == '"') {
      const std::size_t close = s.find(c, i + 1);
      if (close == std::string_view::npos) return syntax(i, "unterminated string");
      t.kind = Tok::String;
      t.text = std::string(s.substr(i + 1, close - i - 1));
      i = close + 1;
    } else if (c == '$') {
      if (i + 1 >= s.size() || s[i + 1] != '{') return syntax(i, "'$' must start a reference like ${name}");
      std::size_t j = i + 2;
      if (j >= s.size() || !is_name_start(s[j])) return syntax(i, "a reference needs a field name");
      while (j < s.size() && is_name_char(s[j])) ++j;
      if (j >= s.size() || s[j] != '}') return syntax(i, "reference without a closing '}'");
      t.kind = Tok::Ref;
      t.text = std::string(s.substr(i + 2, j - i - 2));
      if (t.text.size() > 64) return syntax(i, "field name too long");
      i = j + 1;
    } else if (is_name_start(c)) {
      std::size_t j = i;
      while (j < s.size() && (is_name_char(s[j]) || s[j] == '-')) ++j;
      t.kind = Tok::Ident;
      t.text = std::string(s.substr(i, j - i));
      i = j;
    } else {
      auto two = s.substr(i, 2);
      if (two == "!=") t.kind = Tok::Ne, i += 2;
      else if (two == "<=") t.kind = Tok::Le, i += 2;
      else if (two == ">=") t.kind = Tok::Ge, i += 2;
      else {
        switch (c) {
          case '.': t.kind = Tok::Dot; break;
          case '(': t.kind = Tok::LParen; break;
          case ')': t.kind = Tok::RParen; break;
          case ',': t.kind = Tok::Comma; break;
          case '=': t.kind = Tok::Eq; break;
          case '<': t.kind = Tok::Lt; break;
          case '>': t.kind = Tok::Gt; break;
          case '+': t.kind = Tok::Plus; break;
          case '-': t.kind = Tok::Minus; break;
          case '*': t.kind = Tok::Star; break;
          default: return syntax(i, "unexpected character");
        }
        ++i;
      }
    }
    out.push_back(std::move(t));
  }
  Token end;
  end.pos = s.size();
  out.push_back(end);
  return out;
}

struct FunctionSpec {
  const char* name;
  Op op;
  std::size_t arity;
};
constexpr FunctionSpec kFunctions[] = {
    {"selected", Op::Selected, 2},         {"count", Op::Count, 1},
    {"count-selected", Op::CountSelected, 1}, {"string-length", Op::StringLength, 1},
    {"today", Op::Today, 0},               {"age", Op::Age, 1},
    {"not", Op::Not, 1},
};

}  // namespace

struct Expression::Program {
  std::string source;
  std::vector<Node> nodes;
  int root = -1;
  std::vector<Reference> references;
  bool uses_current = false;
};

namespace {

class Parser {
 public:
  Parser(std::vector<Token> tokens, const ExpressionLimits& limits, Expression::Program& out)
      : t_(std::move(tokens)), limits_(limits), out_(out) {}

  Result<int> parse_all() {
    auto root = parse_or();
    if (!root) return root;
    if (peek().kind != Tok::End) return syntax(peek().pos, "unexpected '" + describe(peek()) + "'");
    return root;
  }

 private:
  struct DepthGuard {
    int& depth;
    explicit DepthGuard(int& d) : depth(++d) {}
    ~DepthGuard() { --depth; }
  };

  const Token& peek() const { return t_[i_]; }
  bool peek_ident(const char* word) const { return peek().kind == Tok::Ident && peek().text == word; }
  static std::string describe(const Token& t) {
    switch (t.kind) {
      case Tok::End: return "end";
      case Tok::Ident: return t.text;
      case Tok::Ref: return "${" + t.text + "}";
      case Tok::String: return "'" + t.text + "'";
      default: return "token";
    }
  }

  Result<int> add(Node n) {
    if (out_.nodes.size() >= limits_.max_nodes) return fail("invalid_expression", "expression too complex");
    out_.nodes.push_back(std::move(n));
    return static_cast<int>(out_.nodes.size() - 1);
  }
  Result<int> binary(Op op, int a, int b) {
    Node n;
    n.op = op;
    n.kids = {a, b};
    return add(std::move(n));
  }
  Result<void> enter() {
    if (depth_ > limits_.max_depth) return fail("invalid_expression", "expression nested too deeply");
    return {};
  }

  Result<int> parse_or() {
    DepthGuard g(depth_);
    if (auto e = enter(); !e) return fail(e.error());
    auto left = parse_and();
    while (left && peek_ident("or")) {
      ++i_;
      auto right = parse_and();
      if (!right) return right;
      left = binary(Op::Or, *left, *right);
    }
    return left;
  }
  Result<int> parse_and() {
    auto left = parse_not();
    while (left && peek_ident("and")) {
      ++i_;
      auto right = parse_not();
      if (!right) return right;
      left = binary(Op::And, *left, *right);
    }
    return left;
  }
  Result<int> parse_not() {
    if (peek_ident("not")) {
      DepthGuard g(depth_);
      if (auto e = enter(); !e) return fail(e.error());
      ++i_;
      auto operand = parse_not();
      if (!operand) return operand;
      Node n;
      n.op = Op::Not;
      n.kids = {*operand};
      return add(std::move(n));
    }
    return parse_comparison();
  }
  static std::optional<Op> comparison_op(Tok k) {
    switch (k) {
      case Tok::Eq: return Op::Eq;
      case Tok::Ne: return Op::Ne;
      case Tok::Lt: return Op::Lt;
      case Tok::Le: return Op::Le;
      case Tok::Gt: return Op::Gt;
      case Tok::Ge: return Op::Ge;
      default: return std::nullopt;
    }
  }
  Result<int> parse_comparison() {
    auto left = parse_additive();
    if (!left) return left;
    if (auto op = comparison_op(peek().kind)) {
      ++i_;
      auto right = parse_additive();
      if (!right) return right;
      if (comparison_op(peek().kind)) return syntax(peek().pos, "comparisons cannot be chained; use 'and'");
      return binary(*op, *left, *right);
    }
    return left;
  }
  Result<int> parse_additive() {
    auto left = parse_multiplicative();
    while (left && (peek().kind == Tok::Plus || peek().kind == Tok::Minus)) {
      const Op op = peek().kind == Tok::Plus ? Op::Add : Op::Sub;
      ++i_;
      auto right = parse_multiplicative();
      if (!right) return right;
      left = binary(op, *left, *right);
    }
    return left;
  }
  Result<int> parse_multiplicative() {
    auto left = parse_unary();
    while (left && (peek().kind == Tok::Star || peek_ident("div") || peek_ident("mod"))) {
      const Op op = peek().kind == Tok::Star ? Op::Mul : peek().text == "div" ? Op::Div : Op::Mod;
      ++i_;
      auto right = parse_unary();
      if (!right) return right;
      left = binary(op, *left, *right);
    }
    return left;
  }
  Result<int> parse_unary() {
    if (peek().kind == Tok::Minus) {
      DepthGuard g(depth_);
      if (auto e = enter(); !e) return fail(e.error());
      ++i_;
      auto operand = parse_unary();
      if (!operand) return operand;
      Node n;
      n.op = Op::Neg;
      n.kids = {*operand};
      return add(std::move(n));
    }
    return parse_primary();
  }
  Result<int> parse_primary() {
    const Token& t = peek();
    Node n;
    switch (t.kind) {
      case Tok::Number:
        n.literal = Value::of(t.number);
        ++i_;
        return add(std::move(n));
      case Tok::String:
        n.literal = Value::of(t.text);
        ++i_;
        return add(std::move(n));
      case Tok::Ref:
        n.op = Op::Field;
        n.name = t.text;
        ++i_;
        return add(std::move(n));
      case Tok::Dot:
        n.op = Op::Current;
        out_.uses_current = true;
        ++i_;
        return add(std::move(n));
      case Tok::LParen: {
        ++i_;
        auto inner = parse_or();
        if (!inner) return inner;
        if (peek().kind != Tok::RParen) return syntax(peek().pos, "expected ')'");
        ++i_;
        return inner;
      }
      case Tok::Ident:
        return parse_word();
      case Tok::End:
        return syntax(t.pos, "expression ends too early");
      default:
        return syntax(t.pos, "unexpected '" + describe(t) + "'");
    }
  }
  Result<int> parse_word() {
    const Token t = peek();
    ++i_;
    if (t.text == "true" || t.text == "false") {
      Node n;
      n.literal = Value::of(t.text == "true");
      return add(std::move(n));
    }
    const FunctionSpec* spec = nullptr;
    for (const auto& f : kFunctions)
      if (t.text == f.name) spec = &f;
    if (!spec) return syntax(t.pos, "unknown word '" + t.text + "' (field references are written ${name})");
    if (peek().kind != Tok::LParen) return syntax(peek().pos, "expected '(' after " + t.text);
    ++i_;
    Node n;
    n.op = spec->op;
    if (peek().kind != Tok::RParen) {
      while (true) {
        auto arg = parse_or();
        if (!arg) return arg;
        n.kids.push_back(*arg);
        if (peek().kind == Tok::Comma) {
          ++i_;
          continue;
        }
        break;
      }
    }
    if (peek().kind != Tok::RParen) return syntax(peek().pos, "expected ')' to close " + t.text + "(");
    ++i_;
    if (n.kids.size() != spec->arity)
      return syntax(t.pos, t.text + "() takes " + std::to_string(spec->arity) + " argument" + (spec->arity == 1 ? "" : "s"));
    return add(std::move(n));
  }

  std::vector<Token> t_;
  std::size_t i_ = 0;
  int depth_ = 0;
  const ExpressionLimits& limits_;
  Expression::Program& out_;
};

std::optional<double> strict_number(std::string_view s) {
  if (s.empty() || s.size() > 64) return std::nullopt;
  double d = 0;
  if (s.front() == '+') return std::nullopt;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(d)) return std::nullopt;
  return d;
}

std::optional<double> as_number(const ValueRef& v) {
  if (v.kind == Value::Kind::Number) return v.number;
  if (v.kind == Value::Kind::String) return strict_number(v.text);
  return std::nullopt;
}

std::optional<bool> as_yes_no(std::string_view s) {
  if (s == "true" || s == "yes") return true;
  if (s == "false" || s == "no") return false;
  return std::nullopt;
}

bool equals(const ValueRef& a, const ValueRef& b) {
  using K = Value::Kind;
  if (a.kind == K::Empty || b.kind == K::Empty) {
    const ValueRef& other = a.kind == K::Empty ? b : a;
    return other.kind == K::Empty || (other.kind == K::String && other.text.empty());
  }
  if (a.kind == b.kind) {
    switch (a.kind) {
      case K::Bool: return a.boolean == b.boolean;
      case K::Number: return a.number == b.number;
      case K::String: return a.text == b.text;
      case K::List: return std::equal(a.items.begin(), a.items.end(), b.items.begin(), b.items.end());
      case K::Empty: return true;
    }
  }
  if (a.kind == K::Bool || b.kind == K::Bool) {
    const ValueRef& flag = a.kind == K::Bool ? a : b;
    const ValueRef& other = a.kind == K::Bool ? b : a;
    if (other.kind != K::String) return false;
    auto yn = as_yes_no(other.text);
    return yn && *yn == flag.boolean;
  }
  if (a.kind == K::List || b.kind == K::List) return false;
  auto x = as_number(a), y = as_number(b);
  return x && y && *x == *y;
}

// <0, 0, >0, or nullopt when the two cannot be ordered (then every ordering test is false).
std::optional<int> order(const ValueRef& a, const ValueRef& b) {
  using K = Value::Kind;
  if (a.kind == K::String && b.kind == K::String) {
    auto x = strict_number(a.text), y = strict_number(b.text);
    if (x && y) return *x < *y ? -1 : *x > *y ? 1 : 0;
    return a.text.compare(b.text) < 0 ? -1 : a.text == b.text ? 0 : 1;
  }
  if (a.kind == K::Bool || b.kind == K::Bool || a.kind == K::List || b.kind == K::List) return std::nullopt;
  auto x = as_number(a), y = as_number(b);
  if (!x || !y) return std::nullopt;
  return *x < *y ? -1 : *x > *y ? 1 : 0;
}

bool selected(const ValueRef& set, const ValueRef& choice) {
  if (choice.kind != Value::Kind::String) return false;
  if (set.kind == Value::Kind::List) return std::find(set.items.begin(), set.items.end(), choice.text) != set.items.end();
  return set.kind == Value::Kind::String && set.text == choice.text;
}

// One evaluation of one program: conditions are judged as booleans (truth) and only the values
// operators need are read (value), as views; nothing is copied from the answers.
class Evaluator {
 public:
  Evaluator(const Expression::Program& p, const Scope& scope) : p_(p), scope_(scope) {}

  bool truth(int id) {
    const Node& n = node(id);
    switch (n.op) {
      case Op::Or: return truth(n.kids[0]) || truth(n.kids[1]);
      case Op::And: return truth(n.kids[0]) && truth(n.kids[1]);
      case Op::Not: return !truth(n.kids[0]);
      case Op::Eq: return equals(value(n.kids[0]), value(n.kids[1]));
      case Op::Ne: return !equals(value(n.kids[0]), value(n.kids[1]));
      case Op::Lt: { auto o = ordered(n); return o && *o < 0; }
      case Op::Le: { auto o = ordered(n); return o && *o <= 0; }
      case Op::Gt: { auto o = ordered(n); return o && *o > 0; }
      case Op::Ge: { auto o = ordered(n); return o && *o >= 0; }
      case Op::Selected: return selected(value(n.kids[0]), value(n.kids[1]));
      default: return value(id).truthy();
    }
  }

  ValueRef value(int id) {
    const Node& n = node(id);
    switch (n.op) {
      case Op::Literal: return literal(n.literal);
      case Op::Field: return scope_.view_field(n.where ? &*n.where : nullptr, n.name, holder_);
      case Op::Current: return scope_.view_current(holder_);
      case Op::Or: case Op::And: case Op::Not:
      case Op::Eq: case Op::Ne: case Op::Lt: case Op::Le: case Op::Gt: case Op::Ge:
      case Op::Selected:
        return ValueRef::of(truth(id));
      case Op::Add: return arithmetic(n, [](double x, double y) { return ValueRef::of(x + y); });
      case Op::Sub: return arithmetic(n, [](double x, double y) { return ValueRef::of(x - y); });
      case Op::Mul: return arithmetic(n, [](double x, double y) { return ValueRef::of(x * y); });
      case Op::Div: return arithmetic(n, [](double x, double y) { return y == 0 ? ValueRef{} : ValueRef::of(x / y); });
      case Op::Mod: return arithmetic(n, [](double x, double y) { return y == 0 ? ValueRef{} : ValueRef::of(std::fmod(x, y)); });
      case Op::Neg: {
        auto x = as_number(value(n.kids[0]));
        return x ? ValueRef::of(-*x) : ValueRef{};
      }
      case Op::Count:
      case Op::CountSelected: {
        const ValueRef v = value(n.kids[0]);
        switch (v.kind) {
          case Value::Kind::Empty: return ValueRef::of(0.0);
          case Value::Kind::Number: return ValueRef::of(n.op == Op::Count ? v.number : 1.0);
          case Value::Kind::List: return ValueRef::of(static_cast<double>(v.items.size()));
          default: return ValueRef::of(1.0);
        }
      }
      case Op::StringLength: {
        const ValueRef v = value(n.kids[0]);
        if (v.kind != Value::Kind::String) return ValueRef::of(0.0);
        return ValueRef::of(static_cast<double>(utf8::length(v.text).value_or(v.text.size())));
      }
      case Op::Today: return ValueRef::of(scope_.today());
      case Op::Age: {
        const ValueRef v = value(n.kids[0]);
        if (v.kind != Value::Kind::String) return {};
        auto born = parse_date(v.text);
        auto today = parse_date(scope_.today());
        if (!born || !today) return {};
        return ValueRef::of(static_cast<double>(whole_years_between(*born, *today)));
      }
    }
    return {};
  }

 private:
  const Node& node(int id) const { return p_.nodes[static_cast<std::size_t>(id)]; }

  // Literals are never lists; their text lives as long as the program.
  static ValueRef literal(const Value& v) {
    ValueRef r;
    r.kind = v.kind;
    r.boolean = v.boolean;
    r.number = v.number;
    r.text = v.text;
    return r;
  }
  std::optional<int> ordered(const Node& n) { return order(value(n.kids[0]), value(n.kids[1])); }
  template <typename Fn>
  ValueRef arithmetic(const Node& n, Fn fn) {
    auto x = as_number(value(n.kids[0])), y = as_number(value(n.kids[1]));
    if (!x || !y) return {};
    return fn(*x, *y);
  }

  const Expression::Program& p_;
  const Scope& scope_;
  ValueHolder holder_;
};

}  // namespace

Result<Expression> Expression::parse(std::string_view source, const ExpressionLimits& limits) {
  if (source.size() > limits.max_length)
    return fail("invalid_expression", "expression longer than " + std::to_string(limits.max_length) + " characters");
  if (utf8::is_blank(source)) return fail("invalid_expression", "expression is empty");
  auto tokens = lex(source);
  if (!tokens) return fail(tokens.error());
  auto program = std::make_shared<Program>();
  program->source = std::string(source);
  Parser parser(std::move(*tokens), limits, *program);
  auto root = parser.parse_all();
  if (!root) return fail(root.error());
  program->root = *root;

  std::vector<bool> counted(program->nodes.size(), false);
  for (const Node& n : program->nodes)
    if ((n.op == Op::Count || n.op == Op::CountSelected) && program->nodes[static_cast<std::size_t>(n.kids[0])].op == Op::Field)
      counted[static_cast<std::size_t>(n.kids[0])] = true;
  for (std::size_t k = 0; k < program->nodes.size(); ++k)
    if (program->nodes[k].op == Op::Field) program->references.push_back({program->nodes[k].name, counted[k]});
  return Expression(std::move(program));
}

Result<Expression> Expression::resolve(const Locator& locate) const {
  auto program = std::make_shared<Program>(*program_);
  for (Node& n : program->nodes) {
    if (n.op != Op::Field) continue;
    n.where = locate(n.name);
    if (!n.where) return fail("invalid_expression", "'" + program->source + "' refers to unknown field '" + n.name + "'");
  }
  return Expression(std::move(program));
}

Value Expression::evaluate(const Scope& scope) const {
  return Evaluator(*program_, scope).value(program_->root).to_value();
}
bool Expression::test(const Scope& scope) const { return Evaluator(*program_, scope).truth(program_->root); }
const std::string& Expression::source() const { return program_->source; }
const std::vector<Reference>& Expression::references() const { return program_->references; }
bool Expression::uses_current() const { return program_->uses_current; }

}  // namespace ws::forms

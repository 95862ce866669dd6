#include "sync-server/core/json_scan.hpp"

#include <nlohmann/json.hpp>

namespace ws::server::json_scan {
namespace {

bool number_char(char c) { return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'; }

class Cursor {
 public:
  explicit Cursor(std::string_view t) : t_(t) {}
  void skip_ws() {
    while (i_ < t_.size() && (t_[i_] == ' ' || t_[i_] == '\n' || t_[i_] == '\r' || t_[i_] == '\t')) ++i_;
  }
  bool at_end() const { return i_ >= t_.size(); }
  char peek() const { return i_ < t_.size() ? t_[i_] : '\0'; }
  bool eat(char c) {
    if (peek() != c) return false;
    ++i_;
    return true;
  }
  // A string starting at the cursor; `body` gets the text between the quotes. A byte loop:
  // the strings of a payload are short, and two memchr calls per string cost more.
  bool string(std::string_view& body, bool& escaped) {
    if (!eat('"')) return false;
    const std::size_t start = i_;
    escaped = false;
    for (std::size_t j = start; j < t_.size(); ++j) {
      const char c = t_[j];
      if (c == '\\') {
        escaped = true;
        ++j;  // the escaped character, a quote included
      } else if (c == '"') {
        body = t_.substr(start, j - start);
        i_ = j + 1;
        return true;
      }
    }
    return false;
  }
  // One value starting at the cursor, delimited (nested values are not checked inside).
  bool value(Value& v) {
    const std::size_t start = i_;
    const char c = peek();
    if (c == '"') {
      std::string_view body;
      if (!string(body, v.escaped)) return false;
      v.type = Type::String;
    } else if (c == '{' || c == '[') {
      if (!nested()) return false;
      v.type = c == '{' ? Type::Object : Type::Array;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      while (i_ < t_.size() && number_char(t_[i_])) ++i_;
      v.type = Type::Number;
    } else if (word("true")) {
      v.type = Type::True;
    } else if (word("false")) {
      v.type = Type::False;
    } else if (word("null")) {
      v.type = Type::Null;
    } else {
      return false;
    }
    v.text = t_.substr(start, i_ - start);
    return true;
  }

 private:
  bool word(std::string_view w) {
    if (t_.substr(i_, w.size()) != w) return false;
    i_ += w.size();
    return true;
  }
  // Skips a bracketed value, strings inside included.
  bool nested() {
    int depth = 0;
    while (i_ < t_.size()) {
      const char c = t_[i_];
      if (c == '"') {
        std::string_view body;
        bool escaped = false;
        if (!string(body, escaped)) return false;
        continue;
      }
      ++i_;
      if (c == '{' || c == '[') ++depth;
      if ((c == '}' || c == ']') && --depth == 0) return true;
    }
    return false;
  }

  std::string_view t_;
  std::size_t i_ = 0;
};

// Scans `open` item (, item)* `close`, calling `item` at each item's start.
template <typename F>
bool list(std::string_view text, char open, char close, F&& item) {
  Cursor c(text);
  c.skip_ws();
  if (!c.eat(open)) return false;
  c.skip_ws();
  if (!c.eat(close)) {
    for (;;) {
      if (!item(c)) return false;
      c.skip_ws();
      if (c.eat(close)) break;
      if (!c.eat(',')) return false;
      c.skip_ws();
    }
  }
  c.skip_ws();
  return c.at_end();
}

}  // namespace

bool members(std::string_view text, std::vector<Member>& out) {
  out.clear();
  return list(text, '{', '}', [&out](Cursor& c) {
    Member m;
    if (!c.string(m.key, m.key_escaped)) return false;
    c.skip_ws();
    if (!c.eat(':')) return false;
    c.skip_ws();
    if (!c.value(m.value)) return false;
    out.push_back(m);
    return true;
  });
}

bool value(std::string_view text, Value& out) {
  Cursor c(text);
  return c.value(out) && c.at_end();
}

bool elements(std::string_view text, std::vector<Value>& out) {
  out.clear();
  return list(text, '[', ']', [&out](Cursor& c) {
    Value v;
    if (!c.value(v)) return false;
    out.push_back(v);
    return true;
  });
}

bool unescape(std::string_view body, std::string& out) {
  out.clear();
  if (body.find('\\') == std::string_view::npos) {
    out.assign(body);
    return true;
  }
  // Escapes are rare in stored payloads (a quote or a line break in a note): nlohmann decodes
  // them, \u surrogate pairs included, exactly as a whole parse would.
  std::string quoted;
  quoted.reserve(body.size() + 2);
  quoted.append(1, '"').append(body).append(1, '"');
  const auto decoded = nlohmann::json::parse(quoted, nullptr, false);
  if (!decoded.is_string()) return false;
  out = decoded.get_ref<const std::string&>();
  return true;
}

std::string key_of(const Member& m) {
  std::string out;
  if (!m.key_escaped) return std::string(m.key);
  if (!unescape(m.key, out)) return std::string(m.key);
  return out;
}

}  // namespace ws::server::json_scan

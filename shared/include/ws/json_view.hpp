#pragma once
// Read-only views of one parsed JSON value behind one small interface, for code that must judge
// a value the same whichever parser read it: nlohmann's tree (HQ, the kiosk, tests) or
// simdjson's DOM (the server's push path, ws/envelope_reader.hpp), so each rule is written once
// (shared/forms validation) instead of once per parser.
//
// Both views read numbers as nlohmann does, and visit an object's members in nlohmann's order
// (keys sorted), so a walk reports what it finds in the same order on both. A Dom view assumes
// what the envelope reader has already ensured: no object holds a key twice, and no number is -0.
#include <algorithm>
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <simdjson.h>

namespace ws::json_view {

class Tree {
 public:
  explicit Tree(const nlohmann::json& j) : j_(&j) {}

  bool is_null() const { return j_->is_null(); }
  bool is_string() const { return j_->is_string(); }
  bool is_bool() const { return j_->is_boolean(); }
  bool is_number() const { return j_->is_number(); }
  bool is_integer() const { return j_->is_number_integer(); }
  bool is_array() const { return j_->is_array(); }
  bool is_object() const { return j_->is_object(); }

  std::string_view string() const { return j_->get_ref<const std::string&>(); }
  bool boolean() const { return j_->get<bool>(); }
  double number() const { return j_->get<double>(); }
  std::size_t size() const { return j_->size(); }
  Tree at(std::size_t i) const { return Tree((*j_)[i]); }

  std::optional<Tree> find(std::string_view key) const {
    auto it = j_->find(key);
    if (it == j_->end()) return std::nullopt;
    return Tree(*it);
  }

  template <typename F>
  void each_member(F&& fn) const {
    for (const auto& [key, value] : j_->items()) fn(std::string_view(key), Tree(value));
  }

 private:
  const nlohmann::json* j_;
};

class Dom {
 public:
  explicit Dom(simdjson::dom::element el) : el_(el) {}
  // A view of a value whose every object has its keys in sorted order, as the envelope reader
  // found while it wrote the payload's text: member walks then skip their order check, which
  // was a second walk over each object (docs/performance.md, session 15).
  static Dom known_sorted(simdjson::dom::element el) { return Dom(el, true); }
  simdjson::dom::element element() const { return el_; }

  bool is_null() const { return type() == Type::NULL_VALUE; }
  bool is_string() const { return type() == Type::STRING; }
  bool is_bool() const { return type() == Type::BOOL; }
  bool is_number() const { return is_integer() || type() == Type::DOUBLE; }
  bool is_integer() const { return type() == Type::INT64 || type() == Type::UINT64; }
  bool is_array() const { return type() == Type::ARRAY; }
  bool is_object() const { return type() == Type::OBJECT; }

  std::string_view string() const { return el_.get_string().value_unsafe(); }
  bool boolean() const { return el_.get_bool().value_unsafe(); }
  double number() const {
    switch (type()) {
      case Type::INT64: return static_cast<double>(el_.get_int64().value_unsafe());
      case Type::UINT64: return static_cast<double>(el_.get_uint64().value_unsafe());
      default: return el_.get_double().value_unsafe();
    }
  }
  // As nlohmann's size(): members or items, 0 for null, 1 for any other value.
  std::size_t size() const {
    if (is_array()) return simdjson::dom::array(el_).size();
    if (is_object()) return simdjson::dom::object(el_).size();
    return is_null() ? 0 : 1;
  }
  Dom at(std::size_t i) const { return Dom(simdjson::dom::array(el_).at(i).value_unsafe(), sorted_); }

  std::optional<Dom> find(std::string_view key) const {
    simdjson::dom::element value;
    if (simdjson::dom::object(el_).at_key(key).get(value) != simdjson::SUCCESS) return std::nullopt;
    return Dom(value, sorted_);
  }

  // Members in sorted key order: as sent when a kiosk sent them sorted (they do), else sorted here.
  template <typename F>
  void each_member(F&& fn) const {
    const simdjson::dom::object object(el_);
    bool sorted = true;
    if (!sorted_) {
      std::string_view previous;
      bool first = true;
      for (simdjson::dom::key_value_pair kv : object) {
        if (!first && !(previous < kv.key)) sorted = false;
        previous = kv.key;
        first = false;
      }
    }
    if (sorted) {
      for (simdjson::dom::key_value_pair kv : object) fn(kv.key, Dom(kv.value, sorted_));
      return;
    }
    std::vector<std::pair<std::string_view, simdjson::dom::element>> members;
    for (simdjson::dom::key_value_pair kv : object) members.emplace_back(kv.key, kv.value);
    std::sort(members.begin(), members.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [key, value] : members) fn(key, Dom(value));
  }

 private:
  using Type = simdjson::dom::element_type;
  Dom(simdjson::dom::element el, bool sorted) : el_(el), sorted_(sorted) {}
  Type type() const { return el_.type(); }
  simdjson::dom::element el_;
  bool sorted_ = false;  // known_sorted(): every object below has its keys in sorted order
};

}  // namespace ws::json_view

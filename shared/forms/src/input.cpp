#include "ws/forms/input.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "ws/envelope.hpp"

namespace ws::forms {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

Result<nlohmann::json> answer_from_text(const Field& field, std::string_view text) {
  const auto t = trim(text);
  if (t.empty()) return nlohmann::json();
  switch (field.type) {
    case FieldType::Note:
      return fail("not_answerable", "'" + field.name + "' is a note and takes no answer");
    case FieldType::Number: {
      double d = 0;
      auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), d);
      if (ec != std::errc() || end != t.data() + t.size() || !std::isfinite(d))
        return fail("wrong_type", "'" + field.name + "' takes a number");
      if (std::floor(d) == d && std::fabs(d) < 9e15) return nlohmann::json(static_cast<long long>(d));
      return nlohmann::json(d);
    }
    case FieldType::YesNo: {
      const auto v = lower(t);
      if (v == "yes" || v == "true") return nlohmann::json(true);
      if (v == "no" || v == "false") return nlohmann::json(false);
      return fail("wrong_type", "'" + field.name + "' takes yes or no");
    }
    case FieldType::MultipleChoice: {
      nlohmann::json out = nlohmann::json::array();
      std::size_t start = 0;
      while (start <= t.size()) {
        const auto comma = t.find(',', start);
        const auto part = trim(t.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
        if (!part.empty()) out.push_back(std::string(part));
        if (comma == std::string_view::npos) break;
        start = comma + 1;
      }
      return out;
    }
    case FieldType::Repeat: {
      auto j = nlohmann::json::parse(t, nullptr, false);
      if (j.is_discarded() || !j.is_array()) return fail("wrong_type", "'" + field.name + "' takes a JSON array of entries");
      // An answer is part of a payload, which may not be deeper; copying deeper JSON recurses.
      if (json_depth(j) > EnvelopeLimits{}.max_depth) return fail("wrong_type", "'" + field.name + "' is nested too deeply");
      return j;
    }
    default:
      // Keep text as typed (inner spacing, trailing newlines in long text are the person's).
      return nlohmann::json(field.type == FieldType::LongText ? std::string(text) : std::string(t));
  }
}

std::string answer_to_text(const Field& field, const nlohmann::json& answer) {
  if (answer.is_null()) return "";
  switch (field.type) {
    case FieldType::YesNo:
      return answer.is_boolean() ? (answer.get<bool>() ? "yes" : "no") : answer.dump();
    case FieldType::MultipleChoice: {
      if (!answer.is_array()) return answer.dump();
      std::string out;
      for (const auto& v : answer) out += (out.empty() ? "" : ", ") + (v.is_string() ? v.get<std::string>() : v.dump());
      return out;
    }
    case FieldType::Signature:
      return "[signature]";
    case FieldType::Repeat:
      return answer.is_array() ? std::to_string(answer.size()) + (answer.size() == 1 ? " entry" : " entries") : answer.dump();
    case FieldType::Number:
      return answer.dump();
    default:
      return answer.is_string() ? answer.get<std::string>() : answer.dump();
  }
}

}  // namespace ws::forms

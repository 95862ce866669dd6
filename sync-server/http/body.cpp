#include "sync-server/http/body.hpp"

#include <algorithm>
#include <charconv>
#include <system_error>

#include "ws/json_split.hpp"

namespace ws::server {

Status require_json_content_type(const httplib::Request& req) {
  std::string type = req.get_header_value("Content-Type");
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  for (char& c : type) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (type != "application/json") {
    return fail("unsupported_media_type", "the body must be sent as Content-Type: application/json");
  }
  // httplib decodes these; anything else would reach the JSON parser still encoded.
  std::string encoding = req.get_header_value("Content-Encoding");
  for (char& c : encoding) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (!encoding.empty() && encoding != "identity" && encoding != "gzip" && encoding != "deflate" && encoding != "br") {
    return fail("unsupported_media_type", "the body's Content-Encoding must be gzip, deflate, br or none");
  }
  return ok();
}

std::size_t expected_body_bytes(const httplib::Request& req, std::size_t cap) {
  const std::string encoding = req.get_header_value("Content-Encoding");
  if (!encoding.empty() && encoding != "identity") return 0;
  const std::string length = req.get_header_value("Content-Length");
  std::size_t n = 0;
  const auto [end, error] = std::from_chars(length.data(), length.data() + length.size(), n);
  if (error != std::errc() || end != length.data() + length.size()) return 0;
  return std::min(n, cap);
}

Result<std::string> read_body(const httplib::ContentReader& reader, httplib::Response& res, std::size_t cap,
                              std::size_t expected) {
  std::string body;
  if (auto s = read_body_into(reader, res, cap, expected, body); !s) return fail(s.error());
  return body;
}

Status read_body_into(const httplib::ContentReader& reader, httplib::Response& res, std::size_t cap,
                      std::size_t expected, std::string& body) {
  body.clear();
  // Not for a body httplib has already refused (its length over the limit): nothing is read.
  if (res.status != 413 && res.status != 415) body.reserve(std::min(expected, cap));
  bool over_cap = false;
  const bool complete = reader([&](const char* data, std::size_t n) {
    if (body.size() + n > cap) {
      over_cap = true;
      return false;
    }
    body.append(data, n);
    return true;
  });
  // httplib records its own refusals in res.status: 413 for a Content-Length over the payload
  // limit, 415 for a Content-Encoding it cannot decode.
  if (over_cap || res.status == 413 || res.status == 415 || !complete) res.set_header("Connection", "close");
  if (over_cap || res.status == 413) {
    return fail("too_large", "the body is larger than " + std::to_string(cap) + " bytes (after decompression)");
  }
  if (res.status == 415) return fail("unsupported_media_type", "unsupported Content-Encoding");
  if (!complete) return fail("invalid_request", "the body could not be read (truncated or corrupt compression)");
  return ok();
}

void drain_body(const httplib::ContentReader& reader, httplib::Response& res, std::size_t cap) {
  std::size_t seen = 0;
  const bool whole = reader([&](const char*, std::size_t n) {
    seen += n;
    return seen <= cap;
  });
  if (!whole || seen > cap) res.set_header("Connection", "close");
}

int json_text_depth(const std::string& text) {
  int depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

namespace {

Error not_json() { return Error{"invalid_json", "the body is not valid JSON (or not valid UTF-8)"}; }
Error too_deep() {
  return Error{"invalid_json", "the body is nested more than " + std::to_string(kMaxBodyDepth) + " levels deep"};
}

}  // namespace

Result<nlohmann::json> parse_json_body(const std::string& text) {
  // JSON text never holds a raw NUL, and nlohmann's lexer would stop reading at one, silently
  // ignoring whatever follows.
  if (text.find('\0') != std::string::npos) return fail("invalid_json", "the body contains a NUL byte");
  if (json_text_depth(text) > kMaxBodyDepth) return fail(too_deep());
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return fail(not_json());
  return j;
}

Result<protocol::PushRequest> parse_push_body(const std::string& text) {
  if (text.find('\0') != std::string::npos) return fail("invalid_json", "the body contains a NUL byte");
  auto split = split_array_member(text, "records");
  if (!split) {
    auto whole = parse_json_body(text);
    if (!whole) return fail(whole.error());
    return protocol::parse_push_request(std::move(*whole));
  }
  if (split->depth > kMaxBodyDepth) return fail(too_deep());
  auto rest = nlohmann::json::parse(split->rest, nullptr, /*allow_exceptions=*/false);
  if (rest.is_discarded()) return fail(not_json());
  auto request = protocol::parse_push_request(std::move(rest));
  if (!request) return fail(request.error());
  if (auto s = protocol::check_record_count(split->elements.size()); !s) return fail(s.error());
  request->record_texts = std::move(split->elements);
  return request;
}

}  // namespace ws::server

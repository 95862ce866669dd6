#include "kiosk/core/sync/refusal.hpp"

#include <nlohmann/json.hpp>

namespace ws::kiosk {
namespace {

// The server's codes that mean "this batch holds something bad" (sync-server/http/routes.cpp
// http_status_for): splitting the batch finds the record at fault.
bool is_content_code(const std::string& code) {
  return code == "invalid_request" || code == "invalid_json" || code == "invalid_envelope" ||
         code == "too_large" || code == "forbidden";
}

bool is_content_status(int status) { return status == 400 || status == 403 || status == 413 || status == 422; }

// The code of a body that is exactly the protocol's error shape, else "".
std::string protocol_error_code(const std::string& body) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object() || !j.contains("error") || !j["error"].is_object()) return {};
  const auto& e = j["error"];
  if (!e.contains("code") || !e["code"].is_string() || !e.contains("message") || !e["message"].is_string()) return {};
  return e["code"].get<std::string>();
}

}  // namespace

ReplyMeaning classify_push_refusal(const HttpReply& reply) {
  if (!reply.from_server || !is_content_status(reply.status)) return ReplyMeaning::Fault;
  return is_content_code(protocol_error_code(reply.body)) ? ReplyMeaning::BadContent : ReplyMeaning::Fault;
}

Error not_from_server(const HttpReply& reply, const std::string& action) {
  const std::string http = " (HTTP " + std::to_string(reply.status) + ")";
  if (reply.status >= 500) {
    return Error{"proxy", action + " failed: a proxy or gateway between this kiosk and the server failed" + http};
  }
  return Error{"proxy", action + " failed: a proxy or firewall between this kiosk and the server refused the request" + http};
}

}  // namespace ws::kiosk

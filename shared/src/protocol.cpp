#include "ws/protocol.hpp"

#include "ws/ids.hpp"
#include "ws/push_reply.hpp"

namespace ws::protocol {
namespace {

Unexpected bad(const std::string& field, const std::string& what) {
  return fail("invalid_request", "field '" + field + "': " + what);
}

Result<std::string> string_field(const nlohmann::json& j, const char* key, std::size_t max_len) {
  auto it = j.find(key);
  if (it == j.end()) return bad(key, "missing");
  if (!it->is_string()) return bad(key, "must be a string");
  auto s = it->get<std::string>();
  if (s.empty()) return bad(key, "must not be empty");
  if (s.size() > max_len) return bad(key, "is longer than " + std::to_string(max_len) + " characters");
  return s;
}

Status only_keys(const nlohmann::json& j, std::initializer_list<const char*> keys) {
  if (!j.is_object()) return fail("invalid_request", "the body must be a JSON object");
  for (const auto& [key, _] : j.items()) {
    bool known = false;
    for (const char* k : keys) known = known || key == k;
    if (!known) return bad(key, "unknown field");
  }
  return ok();
}

}  // namespace

const char* to_string(RecordStatus s) {
  switch (s) {
    case RecordStatus::Applied: return "applied";
    case RecordStatus::Duplicate: return "duplicate";
    case RecordStatus::Merged: return "merged";
    case RecordStatus::Rejected: return "rejected";
  }
  return "rejected";
}

Result<RecordStatus> record_status_from_string(const std::string& s) {
  if (s == "applied") return RecordStatus::Applied;
  if (s == "duplicate") return RecordStatus::Duplicate;
  if (s == "merged") return RecordStatus::Merged;
  if (s == "rejected") return RecordStatus::Rejected;
  return fail("invalid_response", "unknown record status '" + s + "'");
}

nlohmann::json to_json(const EnrollRequest& r) { return {{"code", r.code}, {"device_name", r.device_name}}; }
nlohmann::json to_json(const EnrollResponse& r) {
  nlohmann::json j = {{"device_id", r.device_id}, {"token", r.token}, {"centre", r.centre}};
  if (!r.seal_key.empty()) j["seal_key"] = r.seal_key;
  return j;
}
nlohmann::json to_json(const PushRequest& r) {
  return {{"batch_id", r.batch_id}, {"records", r.records}};
}
nlohmann::json to_json(const PushResponse& r) { return nlohmann::json::parse(push_response_text(r)); }
nlohmann::json to_json(const PullResponse& r) {
  nlohmann::json records = nlohmann::json::array();
  for (const auto& e : r.records) records.push_back(ws::to_json(e));
  return {{"records", std::move(records)}, {"cursor", r.cursor}, {"more", r.more}};
}

Result<EnrollRequest> parse_enroll_request(const nlohmann::json& j) {
  if (auto s = only_keys(j, {"code", "device_name"}); !s) return fail(s.error());
  auto code = string_field(j, "code", 64);
  if (!code) return fail(code.error());
  auto name = string_field(j, "device_name", 128);
  if (!name) return fail(name.error());
  return EnrollRequest{*code, *name};
}

Result<EnrollResponse> parse_enroll_response(const nlohmann::json& j) {
  if (!j.is_object()) return fail("invalid_response", "enrol reply is not a JSON object");
  auto id = string_field(j, "device_id", 64);
  auto token = string_field(j, "token", 256);
  auto centre = string_field(j, "centre", 32);
  if (!id) return fail(id.error());
  if (!token) return fail(token.error());
  if (!centre) return fail(centre.error());
  std::string seal_key;
  if (j.contains("seal_key")) {
    auto key = string_field(j, "seal_key", 64);
    if (!key) return fail(key.error());
    seal_key = std::move(*key);
  }
  return EnrollResponse{*id, *token, *centre, std::move(seal_key)};
}

Result<PushRequest> parse_push_request(const nlohmann::json& j) {
  nlohmann::json copy = j;
  return parse_push_request(std::move(copy));
}

Status check_record_count(std::size_t count) {
  if (count > kMaxBatchRecords) {
    return fail("too_large", "a batch may hold at most " + std::to_string(kMaxBatchRecords) + " records");
  }
  return ok();
}

Result<PushRequest> parse_push_request(nlohmann::json&& j) {
  if (auto s = only_keys(j, {"batch_id", "records"}); !s) return fail(s.error());
  auto batch = string_field(j, "batch_id", 36);
  if (!batch) return fail(batch.error());
  if (!is_uuid(*batch)) return bad("batch_id", "must be a lower-case UUID");
  auto it = j.find("records");
  if (it == j.end()) return bad("records", "missing");
  if (!it->is_array()) return bad("records", "must be an array");
  if (auto s = check_record_count(it->size()); !s) return fail(s.error());
  PushRequest r{*batch, {}, {}};
  r.records = std::move(it->get_ref<nlohmann::json::array_t&>());
  return r;
}

Result<PushResponse> parse_push_response(const nlohmann::json& j) {
  if (!j.is_object()) return fail("invalid_response", "push reply is not a JSON object");
  PushResponse r;
  auto batch = string_field(j, "batch_id", 36);
  if (!batch) return fail(batch.error());
  r.batch_id = *batch;
  if (auto c = j.find("cursor"); c != j.end() && c->is_string()) r.cursor = c->get<std::string>();
  if (auto c = j.find("cursor_from"); c != j.end() && c->is_string()) r.cursor_from = c->get<std::string>();
  auto results = j.find("results");
  if (results == j.end() || !results->is_array()) return fail("invalid_response", "push reply has no results array");
  for (const auto& x : *results) {
    if (!x.is_object() || !x.contains("id") || !x["id"].is_string() || !x.contains("status") ||
        !x["status"].is_string()) {
      return fail("invalid_response", "push reply has a malformed result");
    }
    auto status = record_status_from_string(x["status"].get<std::string>());
    if (!status) return fail(status.error());
    RecordResult one{x["id"].get<std::string>(), *status, {}};
    if (auto e = x.find("error"); e != x.end() && e->is_string()) one.error = e->get<std::string>();
    r.results.push_back(std::move(one));
  }
  return r;
}

Result<PullResponse> parse_pull_response(const nlohmann::json& j) {
  nlohmann::json copy = j;
  return parse_pull_response(std::move(copy));
}

Result<PullResponse> parse_pull_response(nlohmann::json&& j) {
  if (!j.is_object()) return fail("invalid_response", "pull reply is not a JSON object");
  PullResponse r;
  auto records = j.find("records");
  if (records == j.end() || !records->is_array()) return fail("invalid_response", "pull reply has no records array");
  r.records.reserve(records->size());
  r.payload_json.reserve(records->size());
  for (auto& x : *records) {
    std::string payload;
    auto e = envelope_from_json(std::move(x), EnvelopeLimits{}, &payload);
    if (!e) return fail("invalid_response", "pull reply has a bad record: " + e.error().message);
    r.records.push_back(std::move(*e));
    r.payload_json.push_back(std::move(payload));
  }
  auto cursor = j.find("cursor");
  if (cursor == j.end() || !cursor->is_string()) return fail("invalid_response", "pull reply has no cursor");
  r.cursor = cursor->get<std::string>();
  if (auto m = j.find("more"); m != j.end() && m->is_boolean()) r.more = m->get<bool>();
  return r;
}

nlohmann::json error_body(const std::string& code, const std::string& message) {
  return {{"error", {{"code", code}, {"message", message}}}};
}

Error parse_error_body(const std::string& body, int http_status) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_object() && j.contains("error") && j["error"].is_object()) {
    const auto& e = j["error"];
    return Error{e.value("code", "http_" + std::to_string(http_status)), e.value("message", body)};
  }
  return Error{"http_" + std::to_string(http_status),
               "server answered HTTP " + std::to_string(http_status) + (body.empty() ? "" : ": " + body.substr(0, 200))};
}

}  // namespace ws::protocol

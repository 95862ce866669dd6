#pragma once
// Protocol v2 between kiosk and sync server: routes, headers and the JSON bodies, parsed
// strictly on both sides. docs/protocol.md is the prose version of this file.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "ws/envelope.hpp"
#include "ws/result.hpp"

namespace ws::protocol {

// 2: compact envelopes (EnvelopeForm::Compact) in pushes and in pull pages asked for with
// version 2. A server also serves kProtocolVersion 1 clients: it reads either form and gives
// them full pull pages.
inline constexpr int kProtocolVersion = 2;
inline constexpr int kOldestProtocolVersion = 1;
inline constexpr const char* kVersionHeader = "X-Waystation-Protocol";
// On every server reply: the server's wall clock in Unix milliseconds, so a kiosk can measure
// how far its own clock is off and stamp with corrected time.
inline constexpr const char* kServerTimeHeader = "X-Waystation-Time";
// On every server reply: the identity of the server database's history. A new database, or one
// restored from a backup, has a new epoch; a kiosk that sees another epoch than the one it
// synced with re-pulls from the start and offers back what the server lacks.
inline constexpr const char* kEpochHeader = "X-Waystation-Epoch";

inline constexpr const char* kRouteEnroll = "/v1/enroll";
inline constexpr const char* kRoutePush = "/v1/push";
inline constexpr const char* kRoutePull = "/v1/pull";
inline constexpr const char* kRouteHave = "/v1/have";
inline constexpr const char* kRouteHealth = "/healthz";
inline constexpr const char* kRouteMetrics = "/metrics";

inline constexpr std::size_t kMaxBatchRecords = 1000;
inline constexpr std::size_t kMaxBodyBytes = 16 * 1024 * 1024;  // after gzip decoding
// The most records a pull may ask for from any server: servers before the announced limit
// (kPullLimitHeader) refuse more, so a kiosk asks this many until a reply announces more.
inline constexpr int kMaxPullLimit = 1000;
// On every pull reply of a server that accepts more than kMaxPullLimit: the most records its
// pull accepts in `limit` (a decimal integer). Absent from older servers.
inline constexpr const char* kPullLimitHeader = "X-Waystation-Pull-Limit";
inline constexpr std::size_t kMaxHaveRecords = 1000;  // (id, version) pairs per POST /v1/have

struct EnrollRequest {
  std::string code;
  std::string device_name;
};
struct EnrollResponse {
  std::string device_id;
  std::string token;
  std::string centre;
  // The server's X25519 public key that pushes are sealed to (URL-safe base64, no padding), so
  // a new kiosk seals its first records when it saves them; empty from older servers.
  std::string seal_key{};
};

enum class RecordStatus { Applied, Duplicate, Merged, Rejected };
const char* to_string(RecordStatus s);
Result<RecordStatus> record_status_from_string(const std::string& s);

struct PushRequest {
  std::string batch_id;              // UUID chosen by the kiosk, kept across retries
  std::vector<nlohmann::json> records;  // raw; each is validated on its own so one bad one
                                        // is rejected without failing the batch
  // Or, instead of `records`, each record's JSON text not yet parsed (views into the request
  // body), so that the server parses them on its checking threads.
  std::vector<std::string_view> record_texts;
};
struct RecordResult {
  std::string id;
  RecordStatus status = RecordStatus::Applied;
  std::string error;  // set when rejected
};
struct PushResponse {
  std::string batch_id;
  std::vector<RecordResult> results;
  std::string cursor;       // the change feed's position after this batch's writes
  // Of the feed this device pulls, the last change before them (optional; "" from older
  // servers): the device's feed changes in (cursor_from, cursor] are this batch alone, so a
  // kiosk that had pulled up to cursor_from and had nothing merged may move its pull cursor
  // to `cursor` instead of pulling its own records back.
  std::string cursor_from;
};

struct PullResponse {
  std::vector<Envelope> records;
  std::string cursor;
  bool more = false;
  // Each record's payload as compact JSON, in `records`' order (parse_pull_response keeps what
  // its checks dumped anyway, so a store need not dump the payloads again); may be left empty.
  std::vector<std::string> payload_json{};
  // Filled when read_pull_page built payload trees for some records only (its `tree_wanted`):
  // each record's `_case_id` (ws/case_id.hpp), in `records`' order. A record left without a
  // tree has a null `payload` (an accepted payload is always an object) and its text in
  // payload_json, which a tree can be built from when one is needed (payload_tree_of).
  std::vector<std::optional<std::string>> case_ids{};
};

nlohmann::json to_json(const EnrollRequest& r);
nlohmann::json to_json(const EnrollResponse& r);
nlohmann::json to_json(const PushRequest& r);
nlohmann::json to_json(const PushResponse& r);
nlohmann::json to_json(const PullResponse& r);

Result<EnrollRequest> parse_enroll_request(const nlohmann::json& j);
Result<EnrollResponse> parse_enroll_response(const nlohmann::json& j);
Result<PushRequest> parse_push_request(const nlohmann::json& j);
// The same, moving the records out of `j` (half a megabyte per batch is not copied).
Result<PushRequest> parse_push_request(nlohmann::json&& j);
// "too_large" beyond kMaxBatchRecords records in one push.
Status check_record_count(std::size_t count);
Result<PushResponse> parse_push_response(const nlohmann::json& j);
Result<PullResponse> parse_pull_response(const nlohmann::json& j);
Result<PullResponse> parse_pull_response(nlohmann::json&& j);  // moves the records out of `j`

// {"error":{"code":..., "message":...}}
nlohmann::json error_body(const std::string& code, const std::string& message);
// Reads an error body; falls back to the raw text when the body is not ours (e.g. a proxy).
Error parse_error_body(const std::string& body, int http_status);

}  // namespace ws::protocol

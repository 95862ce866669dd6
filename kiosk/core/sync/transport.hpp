#pragma once
// The sync engine's only view of the network: one request in, one reply (or an error) out.
// The real one speaks HTTP(S) with cpp-httplib; tests use fakes that misbehave on purpose.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "ws/result.hpp"

namespace ws::kiosk {

struct HttpRequest {
  enum class Method { Get, Post } method = Method::Get;
  std::string path;          // with query string, e.g. "/v1/pull?since=12&limit=500"
  std::string body;          // JSON for POST, or a sealed push body (ws/push_seal.hpp)
  std::string bearer_token;  // empty: no Authorization header
  std::string kiosk_state;   // ws/kiosk_state.hpp's header value for push and pull; empty: none
};

struct HttpReply {
  int status = 0;
  std::string body;
  std::optional<int> retry_after_seconds;  // from a Retry-After header, when present
  // The reply came from a Waystation server (it carries the protocol header), not from a
  // proxy, firewall or captive portal in between.
  bool from_server = false;
  std::optional<std::int64_t> server_time_ms;  // protocol::kServerTimeHeader, when present
  std::string server_epoch;                    // protocol::kEpochHeader, when present
  std::string server_seal_key{};               // push_seal::kSealKeyHeader decoded (32 bytes), when present
  std::optional<int> server_pull_limit{};      // protocol::kPullLimitHeader (>= 1), when present
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Network failures (refused, reset, timeout, bad TLS) come back as errors with a message in
  // words; any HTTP status, including 5xx, is a reply. The request is the transport's: a push's
  // body (~400 KB) goes on the wire without a copy.
  virtual Result<HttpReply> send(HttpRequest request) = 0;
  // Called from another thread to abort the requests in flight (shutdown); send() then fails.
  virtual void cancel() {}
  // True when send() may run on several threads at once, each request on its own connection: a
  // push then keeps several batches in flight (docs/protocol.md "Batches in flight").
  virtual bool concurrent() const { return false; }
};

// The most a kiosk reads of one reply, both as it arrives and once inflated: a pull page is at
// most 8 MiB of JSON unless a single record (a content bundle with its media) is larger.
inline constexpr std::size_t kMaxReplyBytes = 64 * 1024 * 1024;

struct HttpTransportOptions {
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds read_timeout{30000};
  bool gzip_requests = true;
  std::string ca_file;  // empty: the system's trust store
  // "sha256:<hex>" of the server's certificate: only that certificate is accepted (https only,
  // CA chain and host name are not consulted). Empty: verification against the trust store.
  std::string pin;
  // Plain http:// to a host other than loopback, which anyone on the path can read and change.
  bool allow_insecure_http = false;
  std::size_t max_reply_bytes = kMaxReplyBytes;
};

// cpp-httplib clients for "http://host:port" or "https://host:port". Concurrent: each request
// in flight has a connection of its own, kept alive for the next request. Refuses (before any connection) plain
// http to a non-loopback host unless allowed, and any http URL when a pin is set. Errors:
// "certificate_changed" when the server presents another certificate than the pinned one,
// "reply_too_large" past max_reply_bytes, "network" for the rest.
Result<std::unique_ptr<Transport>> make_http_transport(const std::string& server_url,
                                                       const HttpTransportOptions& options = {});

}  // namespace ws::kiosk

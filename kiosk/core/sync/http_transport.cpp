// The real transport: cpp-httplib with timeouts, TCP_NODELAY, gzip request bodies and TLS.
#include <httplib.h>

#include <charconv>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <vector>

#include "kiosk/core/sync/capped_inflate.hpp"
#include "kiosk/core/sync/pinned_tls.hpp"
#include "kiosk/core/sync/transport.hpp"
#include "ws/address.hpp"
#include "ws/gzip.hpp"
#include "ws/kiosk_state.hpp"
#include "ws/protocol.hpp"
#include "ws/push_seal.hpp"

namespace ws::kiosk {
namespace {

std::string explain(httplib::Error e) {
  switch (e) {
    case httplib::Error::Connection: return "the server cannot be reached (connection refused or no network)";
    case httplib::Error::ConnectionTimeout: return "the server did not answer in time (connection timeout)";
    case httplib::Error::Read: return "the connection broke while reading the server's reply (or it timed out)";
    case httplib::Error::Write: return "the connection broke while sending to the server";
    case httplib::Error::SSLConnection: return "the secure (TLS) connection to the server failed";
    case httplib::Error::SSLLoadingCerts: return "the trusted certificates could not be loaded";
    case httplib::Error::SSLServerVerification:
      return "the server's certificate could not be verified (no trusted authority vouches for it under this "
             "name; for a self-signed server, enrol with the code that carries its fingerprint, or --pin)";
    case httplib::Error::Compression: return "the server's reply could not be decompressed";
    case httplib::Error::Canceled: return "the request was cancelled";
    default: return "the request failed (" + httplib::to_string(e) + ")";
  }
}

struct ServerUrl {
  bool https = false;
  std::string host;  // without brackets
  int port = 0;
};

Result<ServerUrl> parse_server_url(const std::string& url) {
  ServerUrl u;
  std::string rest;
  if (url.rfind("https://", 0) == 0) {
    u.https = true;
    rest = url.substr(8);
  } else if (url.rfind("http://", 0) == 0) {
    rest = url.substr(7);
  } else {
    return fail("invalid_argument", "the server address must start with http:// or https://");
  }
  rest = rest.substr(0, rest.find('/'));
  std::string port;
  if (!rest.empty() && rest.front() == '[') {
    const auto close = rest.find(']');
    if (close == std::string::npos) return fail("invalid_argument", "the server address '" + url + "' is not valid");
    u.host = rest.substr(1, close - 1);
    if (close + 1 < rest.size()) {
      if (rest[close + 1] != ':') return fail("invalid_argument", "the server address '" + url + "' is not valid");
      port = rest.substr(close + 2);
    }
  } else {
    const auto colon = rest.find(':');
    u.host = rest.substr(0, colon);
    if (colon != std::string::npos) port = rest.substr(colon + 1);
  }
  u.port = u.https ? 443 : 80;
  if (!port.empty()) {
    const auto* end = port.data() + port.size();
    if (std::from_chars(port.data(), end, u.port).ptr != end || u.port < 1 || u.port > 65535) {
      return fail("invalid_argument", "the server address '" + url + "' has no valid port");
    }
  }
  if (u.host.empty()) return fail("invalid_argument", "the server address '" + url + "' names no host");
  return u;
}

// What arrives is counted before anything is inflated, so neither a long body nor a small
// body that inflates hugely is ever held whole.
struct ReplyReader {
  std::size_t cap;
  std::string body;
  bool too_large = false;
};

// One kept-alive connection: not thread-safe, one request at a time.
class Connection {
 public:
  Connection(const ServerUrl& url, const HttpTransportOptions& options)
      : gzip_requests_(options.gzip_requests), max_reply_bytes_(options.max_reply_bytes) {
    if (url.https) {
      auto tls = std::make_unique<httplib::SSLClient>(url.host, url.port);
      if (!options.pin.empty()) {
        pin_ = std::make_unique<PinCheck>(options.pin);
        tls->enable_server_certificate_verification(false);  // PinCheck decides instead
        pin_installed_ = pin_->install(tls->ssl_context());
      } else {
        tls->enable_server_certificate_verification(true);
      }
      client_ = std::move(tls);
    } else {
      client_ = std::make_unique<httplib::ClientImpl>(url.host, url.port);
    }
    client_->set_connection_timeout(options.connect_timeout);
    client_->set_read_timeout(options.read_timeout);
    client_->set_write_timeout(options.read_timeout);
    client_->set_tcp_nodelay(true);
    client_->set_keep_alive(true);
    client_->set_compress(false);    // request bodies are compressed in send()
    client_->set_decompress(false);  // replies are inflated in send(), with a cap
    if (!options.ca_file.empty()) client_->set_ca_cert_path(options.ca_file);
  }

  bool valid() const { return client_->is_valid() && (!pin_ || pin_installed_); }
  void cancel() { client_->stop(); }

  Result<HttpReply> send(HttpRequest request) {
    httplib::Request req;
    req.method = request.method == HttpRequest::Method::Get ? "GET" : "POST";
    req.path = request.path;
    // Replies (pull pages above all: a page of 500 records is over a megabyte of JSON) come
    // back gzip'd when the server may.
    req.headers = {{protocol::kVersionHeader, std::to_string(protocol::kProtocolVersion)}, {"Accept-Encoding", "gzip"}};
    if (!request.bearer_token.empty()) req.headers.emplace("Authorization", "Bearer " + request.bearer_token);
    if (!request.kiosk_state.empty()) req.headers.emplace(protocol::kKioskStateHeader, request.kiosk_state);
    if (request.method == HttpRequest::Method::Post) {
      // A sealed body is already compressed inside its seal; gzip would only cost time.
      const bool sealed = push_seal::is_sealed(request.body);
      req.headers.emplace("Content-Type", sealed ? push_seal::kContentType : "application/json");
      if (auto gz = gzip_requests_ && !sealed ? gzip_fast(request.body) : std::nullopt) {
        req.headers.emplace("Content-Encoding", "gzip");
        req.body = std::move(*gz);
      } else {
        req.body = std::move(request.body);
      }
    }
    ReplyReader reader{max_reply_bytes_, {}, false};
    req.response_handler = [&reader](const httplib::Response& r) {
      const auto length = r.get_header_value<std::uint64_t>("Content-Length");
      reader.too_large = length > reader.cap;
      return !reader.too_large;
    };
    req.content_receiver = [&reader](const char* data, std::size_t size, std::uint64_t, std::uint64_t) {
      if (reader.body.size() + size > reader.cap) return !(reader.too_large = true);
      reader.body.append(data, size);
      return true;
    };
    if (pin_) pin_->clear();
    // The overload that takes the request as it is: send(const Request&) copies it first, a
    // push's ~400 KB body with it.
    httplib::Response res;
    auto error = httplib::Error::Success;
    const bool answered = client_->send(req, res, error);
    if (reader.too_large) return too_large();
    if (!answered) {
      if (pin_ && !pin_->refused().empty()) {
        return fail("certificate_changed", "the server's certificate changed: this kiosk trusts " + pin_->pin() +
                                               " but the server presented " + pin_->refused() +
                                               "; if HQ replaced the certificate, enrol this kiosk again with a new code");
      }
      return fail("network", explain(error));
    }
    return reply_from(res, std::move(reader.body));
  }

 private:
  Unexpected too_large() const {
    return fail("reply_too_large", "the server's reply is larger than " + std::to_string(max_reply_bytes_ >> 20) +
                                       " MiB, the most a kiosk accepts; it was not read");
  }

  Result<HttpReply> reply_from(const httplib::Response& res, std::string body) const {
    HttpReply reply;
    reply.status = res.status;
    const auto encoding = res.get_header_value("Content-Encoding");
    if (!body.empty() && (encoding == "gzip" || encoding == "deflate")) {
      auto inflated = inflate_capped(body, max_reply_bytes_);
      if (!inflated) return fail(inflated.error());
      reply.body = std::move(*inflated);
    } else if (!encoding.empty() && encoding != "identity") {
      return fail("network", "the server's reply uses an encoding the kiosk did not ask for (" + encoding + ")");
    } else {
      reply.body = std::move(body);
    }
    reply.from_server = res.has_header(protocol::kVersionHeader);
    if (res.has_header(protocol::kServerTimeHeader)) {
      const auto value = res.get_header_value(protocol::kServerTimeHeader);
      std::int64_t ms = 0;
      const auto* end = value.data() + value.size();
      if (std::from_chars(value.data(), end, ms).ptr == end && ms > 0) reply.server_time_ms = ms;
    }
    reply.server_epoch = res.get_header_value(protocol::kEpochHeader);
    if (res.has_header(push_seal::kSealKeyHeader)) {
      reply.server_seal_key = push_seal::decode_key(res.get_header_value(push_seal::kSealKeyHeader));
    }
    if (res.has_header(protocol::kPullLimitHeader)) {
      const auto value = res.get_header_value(protocol::kPullLimitHeader);
      int limit = 0;
      const auto* end = value.data() + value.size();
      if (std::from_chars(value.data(), end, limit).ptr == end && limit >= 1) reply.server_pull_limit = limit;
    }
    if (res.has_header("Retry-After")) {
      const auto value = res.get_header_value("Retry-After");
      int seconds = 0;
      const auto* end = value.data() + value.size();
      if (std::from_chars(value.data(), end, seconds).ptr == end && seconds >= 0) reply.retry_after_seconds = seconds;
    }
    return reply;
  }

  std::unique_ptr<httplib::ClientImpl> client_;
  std::unique_ptr<PinCheck> pin_;
  bool pin_installed_ = false;
  bool gzip_requests_;
  std::size_t max_reply_bytes_;
};

// Connections made as requests need them (a push keeps several in flight) and reused after.
class HttpTransport final : public Transport {
 public:
  HttpTransport(const ServerUrl& url, const HttpTransportOptions& options) : url_(url), options_(options) {
    idle_.push_back(std::make_unique<Connection>(url_, options_));
  }

  bool valid() const { return idle_.front()->valid(); }
  bool concurrent() const override { return true; }

  void cancel() override {
    std::lock_guard lock(mutex_);
    for (auto& c : idle_) c->cancel();
    for (Connection* c : busy_) c->cancel();
  }

  Result<HttpReply> send(HttpRequest request) override {
    std::unique_ptr<Connection> connection = take();
    auto reply = connection->send(std::move(request));
    std::lock_guard lock(mutex_);
    busy_.erase(connection.get());
    idle_.push_back(std::move(connection));
    return reply;
  }

 private:
  std::unique_ptr<Connection> take() {
    std::unique_lock lock(mutex_);
    std::unique_ptr<Connection> c;
    if (!idle_.empty()) {
      c = std::move(idle_.back());
      idle_.pop_back();
    } else {
      lock.unlock();  // a TLS client loads its trust store: not under the lock
      c = std::make_unique<Connection>(url_, options_);
      lock.lock();
    }
    busy_.insert(c.get());
    return c;
  }

  const ServerUrl url_;
  const HttpTransportOptions options_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::set<Connection*> busy_;  // owned by the send() using it
};

}  // namespace

Result<std::unique_ptr<Transport>> make_http_transport(const std::string& server_url,
                                                       const HttpTransportOptions& options) {
  auto url = parse_server_url(server_url);
  if (!url) return fail(url.error());
  if (!url->https && !options.pin.empty()) {
    return fail("insecure_http", "this kiosk is pinned to its server's certificate and talks to it only over "
                                 "https://, not '" + server_url + "'");
  }
  if (!url->https && !options.allow_insecure_http && !is_loopback_host(url->host)) {
    return fail("insecure_http", "refusing plain http:// to " + url->host +
                                     ": anyone on the network could read and change the records; use https://, "
                                     "or enrol with --insecure on a network you trust");
  }
  auto t = std::make_unique<HttpTransport>(*url, options);
  if (!t->valid()) return fail("invalid_argument", "the server address '" + server_url + "' is not valid");
  return std::unique_ptr<Transport>(std::move(t));
}

}  // namespace ws::kiosk

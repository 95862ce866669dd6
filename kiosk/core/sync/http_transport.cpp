// The real transport: cpp-httplib with timeouts, TCP_NODELAY, gzip request bodies and TLS.
#include <httplib.h>
#include <zlib.h>

#include <charconv>
#include <optional>

#include "kiosk/core/sync/transport.hpp"
#include "ws/protocol.hpp"

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
    case httplib::Error::SSLServerVerification: return "the server's certificate could not be verified";
    case httplib::Error::Compression: return "the server's reply could not be decompressed";
    case httplib::Error::Canceled: return "the request was cancelled";
    default: return "the request failed (" + httplib::to_string(e) + ")";
  }
}

// gzip at level 1 rather than httplib's default 6: a push body is mostly field names and
// versions repeated record after record, which the fastest level already shrinks to ~10%, and
// compressing a megabyte-sized batch sits on the sync's critical path.
std::optional<std::string> gzip_fast(const std::string& body) {
  z_stream z{};
  if (deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return std::nullopt;
  std::string out(deflateBound(&z, static_cast<uLong>(body.size())), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
  z.avail_in = static_cast<uInt>(body.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) return std::nullopt;
  return out;
}

class HttpTransport final : public Transport {
 public:
  HttpTransport(const std::string& url, const HttpTransportOptions& options)
      : client_(url), gzip_requests_(options.gzip_requests) {
    client_.set_connection_timeout(options.connect_timeout);
    client_.set_read_timeout(options.read_timeout);
    client_.set_write_timeout(options.read_timeout);
    client_.set_tcp_nodelay(true);
    client_.set_keep_alive(true);
    client_.set_compress(false);  // request bodies are compressed in send()
    client_.set_decompress(true);
    if (!options.ca_file.empty()) client_.set_ca_cert_path(options.ca_file);
  }

  bool valid() const { return client_.is_valid(); }
  void cancel() override { client_.stop(); }

  Result<HttpReply> send(const HttpRequest& request) override {
    // Replies (pull pages above all: a page of 500 records is over a megabyte of JSON) come back
    // gzip'd when the server may; set_decompress inflates them.
    httplib::Headers headers{{protocol::kVersionHeader, std::to_string(protocol::kProtocolVersion)},
                             {"Accept-Encoding", "gzip"}};
    if (!request.bearer_token.empty()) headers.emplace("Authorization", "Bearer " + request.bearer_token);
    httplib::Result res{nullptr, httplib::Error::Unknown};
    if (request.method == HttpRequest::Method::Get) {
      res = client_.Get(request.path, headers);
    } else if (auto gz = gzip_requests_ ? gzip_fast(request.body) : std::nullopt) {
      headers.emplace("Content-Encoding", "gzip");
      res = client_.Post(request.path, headers, *gz, "application/json");
    } else {
      res = client_.Post(request.path, headers, request.body, "application/json");
    }
    if (!res) return fail("network", explain(res.error()));
    HttpReply reply;
    reply.status = res->status;
    reply.body = std::move(res->body);
    reply.from_server = res->has_header(protocol::kVersionHeader);
    if (res->has_header(protocol::kServerTimeHeader)) {
      const auto value = res->get_header_value(protocol::kServerTimeHeader);
      std::int64_t ms = 0;
      const auto* end = value.data() + value.size();
      if (std::from_chars(value.data(), end, ms).ptr == end && ms > 0) reply.server_time_ms = ms;
    }
    reply.server_epoch = res->get_header_value(protocol::kEpochHeader);
    if (res->has_header("Retry-After")) {
      const auto value = res->get_header_value("Retry-After");
      int seconds = 0;
      const auto* end = value.data() + value.size();
      if (std::from_chars(value.data(), end, seconds).ptr == end && seconds >= 0) reply.retry_after_seconds = seconds;
    }
    return reply;
  }

 private:
  httplib::Client client_;
  bool gzip_requests_;
};

}  // namespace

Result<std::unique_ptr<Transport>> make_http_transport(const std::string& server_url,
                                                       const HttpTransportOptions& options) {
  if (server_url.rfind("http://", 0) != 0 && server_url.rfind("https://", 0) != 0) {
    return fail("invalid_argument", "the server address must start with http:// or https://");
  }
  auto t = std::make_unique<HttpTransport>(server_url, options);
  if (!t->valid()) return fail("invalid_argument", "the server address '" + server_url + "' is not valid");
  return std::unique_ptr<Transport>(std::move(t));
}

}  // namespace ws::kiosk

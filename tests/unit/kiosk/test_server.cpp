#include "tests/unit/kiosk/test_server.hpp"

#include <httplib.h>

#include <stdexcept>

#include "kiosk/core/sync/sync_round.hpp"
#include "sync-server/core/devices.hpp"
#include "sync-server/core/form_validation.hpp"
#include "sync-server/core/records.hpp"

namespace ws::kiosk::test {

namespace {

[[noreturn]] void die(const std::string& what, const Error& e) { throw std::runtime_error(what + ": " + e.message); }

server::ApiOptions api_options(const TestServerOptions& options) {
  server::ApiOptions o;
  o.device_rate_per_second = 1e6;  // tests sync far more often than kiosks do
  o.device_burst = 1e6;
  o.enroll_rate_per_second = 1e6;
  o.enroll_burst = 1e6;
  o.max_body_bytes = options.max_body_bytes;
  o.log_requests = false;
  return o;
}

}  // namespace

TestServer::TestServer(TestServerOptions options) {
  auto db = server::Database::open(dir_.path() + "/server.db");
  if (!db) die("server database", db.error());
  db_ = std::move(*db);
  auto validator = server::make_payload_validator(std::string(WS_SOURCE_ASSETS_DIR) + "/forms");
  if (!validator) die("form definitions", validator.error());
  validator_ = std::move(*validator);
  api_ = std::make_unique<server::Api>(*db_, *validator_, clock_, api_options(options));
  start();
}

TestServer::~TestServer() { stop(); }

std::string TestServer::url() const { return "http://127.0.0.1:" + std::to_string(port_); }

void TestServer::start() {
  if (http_) return;
  http_ = std::make_unique<httplib::Server>();
  api_->install(*http_);
  if (port_ == 0) {
    port_ = http_->bind_to_any_port("127.0.0.1");
    if (port_ <= 0) throw std::runtime_error("test server: cannot listen on 127.0.0.1");
  } else if (!http_->bind_to_port("127.0.0.1", port_)) {
    throw std::runtime_error("test server: cannot listen again on its port");
  }
  // The socket listens from bind on: requests wait in the backlog until the thread accepts.
  thread_ = std::thread([http = http_.get()] { http->listen_after_bind(); });
}

void TestServer::stop() {
  if (!http_) return;
  http_->stop();
  thread_.join();
  http_.reset();
}

DeviceIdentity TestServer::enroll(const std::string& centre, const std::string& device_name) {
  auto code = server::DeviceRegistry(*db_).create_code(centre, server::kDefaultCodeTtlMs);
  if (!code) die("enrolment code", code.error());
  auto transport = make_http_transport(url());
  if (!transport) die("transport", transport.error());
  auto enrolled = enroll_device(**transport, code->code, device_name);
  if (!enrolled) die("enrolment", enrolled.error());
  return {enrolled->device_id, enrolled->token, enrolled->centre, url()};
}

Result<HttpReply> post_raw_push(const std::string& url, const std::string& token, const std::string& body) {
  auto t = make_http_transport(url);
  if (!t) return fail(t.error());
  HttpRequest req;
  req.method = HttpRequest::Method::Post;
  req.path = protocol::kRoutePush;
  req.body = body;
  req.bearer_token = token;
  return (*t)->send(req);
}

std::map<std::string, Envelope> TestServer::records() {
  auto lease = db_->acquire();
  if (!lease) die("server database", lease.error());
  std::vector<std::string> ids;
  {
    auto st = (*lease)->prepare("SELECT id FROM records");
    if (!st) die("records", st.error());
    while (st->step().value_or(false)) ids.push_back(st->column_text(0));
  }
  std::map<std::string, Envelope> out;
  for (const auto& id : ids) {
    auto e = server::load_record(**lease, id);
    if (!e || !*e) throw std::runtime_error("records: cannot load a stored record");
    out.emplace(id, std::move(**e));
  }
  return out;
}

std::unique_ptr<Store> enrolled_store(const std::string& dir, const DeviceIdentity& device) {
  auto store = Store::open(dir);
  if (!store) die("open failed", store.error());
  if (auto s = (*store)->set_identity(device); !s) die("identity failed", s.error());
  return std::move(*store);
}

FaultyTransport::FaultyTransport(const std::string& server_url) {
  auto t = make_http_transport(server_url);
  if (!t) die("transport", t.error());
  inner_ = std::move(*t);
}

void FaultyTransport::push_fault(Fault f) {
  std::lock_guard lock(mutex_);
  faults_.push_back(f);
}

std::size_t FaultyTransport::push_requests() const {
  std::lock_guard lock(mutex_);
  return push_requests_;
}

std::vector<std::string> FaultyTransport::push_states() const {
  std::lock_guard lock(mutex_);
  return push_states_;
}

std::size_t FaultyTransport::distinct_batches() const {
  std::lock_guard lock(mutex_);
  return batches_.size();
}

Result<HttpReply> FaultyTransport::send(HttpRequest request) {
  std::optional<Fault> fault;
  {
    std::lock_guard lock(mutex_);
    if (!faults_.empty() && request.path != protocol::kRouteHealth) {
      fault = faults_.front();
      faults_.pop_front();
    }
  }
  if (fault == Fault::NetworkBefore) return fail("network", "connection reset (injected)");
  if (fault == Fault::Status500) return HttpReply{500, "<html>internal error</html>", {}, false, {}, {}};
  if (fault == Fault::Status429) {
    return HttpReply{429, protocol::error_body("rate_limited", "slow down").dump(), 7, true, {}, {}};
  }
  if (request.path == protocol::kRoutePush) {
    auto body = nlohmann::json::parse(request.body, nullptr, false);
    std::lock_guard lock(mutex_);
    ++push_requests_;
    push_states_.push_back(request.kiosk_state);
    if (body.is_object()) batches_.insert(body.value("batch_id", ""));
    // A sealed batch (ws/push_seal.hpp) hides its id; its retries are the same bytes.
    else batches_.insert(request.body);
  }
  auto reply = inner_->send(request);
  if (fault == Fault::NetworkAfter) return fail("network", "connection reset after the request (injected)");
  if (fault == Fault::Truncated && reply) reply->body = reply->body.substr(0, reply->body.size() / 2);
  return reply;
}

}  // namespace ws::kiosk::test

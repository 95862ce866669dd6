#include "sync-server/http/routes.hpp"

#include <chrono>
#include <cstdio>
#include <type_traits>

#include "sync-server/core/audit.hpp"
#include "sync-server/core/authority.hpp"
#include "sync-server/core/feed.hpp"
#include "sync-server/core/have.hpp"
#include "sync-server/core/records.hpp"
#include "sync-server/core/seal_key.hpp"
#include "sync-server/core/thread_priority.hpp"
#include "sync-server/http/body.hpp"
#include "sync-server/http/fleet_metrics.hpp"
#include "sync-server/http/web_routes.hpp"
#include "ws/gzip.hpp"
#include "ws/push_seal.hpp"
#include "ws/vault_grant.hpp"

namespace ws::server {
namespace {

using httplib::ContentReader;
using httplib::Request;
using httplib::Response;

// Per-request state shared between the pre-routing hook, the handlers and the logger. httplib
// runs all three on the worker thread that owns the connection.
struct RequestContext {
  std::chrono::steady_clock::time_point start{};
  bool started = false;
  std::string device_id;
};
thread_local RequestContext t_request;

// Enrolment bodies are two short strings; anything bigger is not an enrolment.
constexpr std::size_t kMaxEnrollBodyBytes = 4096;

// The one wrapper: handlers return errors as values, and anything thrown ends here too.
template <typename F>
void guarded(Response& res, F&& handler) {
  try {
    handler();
  } catch (const std::exception&) {
    send_error(res, Error{"internal", "the server failed to handle this request"});
  } catch (...) {
    send_error(res, Error{"internal", "the server failed to handle this request"});
  }
}

// The protocol version a request speaks: 1 when it names none (the first kiosks did not).
int request_protocol(const Request& req) {
  if (!req.has_header(protocol::kVersionHeader)) return 1;
  const std::string v = req.get_header_value(protocol::kVersionHeader);
  for (int known = protocol::kOldestProtocolVersion; known <= protocol::kProtocolVersion; ++known)
    if (v == std::to_string(known)) return known;
  return 0;
}

Status check_protocol_version(const Request& req) {
  if (request_protocol(req) != 0) return ok();
  return fail("protocol_version", "this server speaks protocol versions " +
                                      std::to_string(protocol::kOldestProtocolVersion) + " to " +
                                      std::to_string(protocol::kProtocolVersion));
}

bool is_sealed_content_type(const Request& req) {
  std::string type = req.get_header_value("Content-Type");
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  return type == push_seal::kContentType;
}

std::shared_ptr<const seal::KeyPair> load_seal_keys(Database& db) {
  auto lease = db.acquire();
  if (!lease) return nullptr;
  auto keys = load_or_create_seal_key(**lease);
  if (!keys) {
    std::fprintf(stderr, "sealed pushes are unavailable: %s\n", keys.error().message.c_str());
    return nullptr;
  }
  return std::make_shared<const seal::KeyPair>(std::move(*keys));
}

// A pull page is up to 8 MiB of JSON. httplib would gzip it at zlib's default level, several
// times the CPU of level 1 for a few percent less; the page is compressed here instead. The
// charset parameter keeps httplib from compressing it a second time (it compresses only a
// bare "application/json").
void send_json_page(const Request& req, Response& res, std::string page) {
  // Moved in, not copied (httplib 0.11's set_content copies); no Content-Type was set before.
  auto send = [&res](std::string body, const char* type) {
    res.body = std::move(body);
    res.set_header("Content-Type", type);
  };
  if (accepts_gzip(req.get_header_value("Accept-Encoding"))) {
    if (auto gz = gzip_fast(page)) {
      res.set_header("Content-Encoding", "gzip");
      return send(std::move(*gz), "application/json; charset=utf-8");
    }
  }
  send(std::move(page), "application/json");
}

}  // namespace

void send_error(Response& res, const Error& e) {
  res.status = http_status_for(e);
  res.set_content(protocol::error_body(e.code, e.message).dump(), "application/json");
}

int http_status_for(const Error& e) {
  const std::string& c = e.code;
  if (c == "invalid_request" || c == "invalid_json" || c == "invalid_envelope" || c == "protocol_version") return 400;
  if (c == "unauthorized" || c == "revoked" || c == "invalid_code") return 401;
  if (c == "forbidden" || c == "csrf_failed") return 403;
  if (c == "not_found") return 404;
  if (c == "method_not_allowed") return 405;
  if (c == "batch_conflict" || c == "conflict") return 409;
  if (c == "too_large") return 413;
  if (c == "unsupported_media_type") return 415;
  if (c == "rate_limited") return 429;
  if (c == "busy") return 503;
  return 500;
}

Api::Api(Database& db, PayloadValidator& validator, HlcClock& clock, ApiOptions options)
    : db_(db),
      options_(options),
      devices_(db),
      ingest_(db, validator, clock),
      device_limiter_(options.device_rate_per_second, options.device_burst),
      enroll_limiter_(options.enroll_rate_per_second, options.enroll_burst),
      failed_token_limiter_(options.failed_token_rate_per_second, options.failed_token_burst),
      grant_failures_by_device_(options.grant_failure_rate_per_second, options.grant_failure_burst),
      grant_failures_by_account_(options.grant_failure_rate_per_second, options.grant_failure_burst) {}

template <typename Handler>
void Api::add_route(httplib::Server& server, const char* method, const char* path, Handler handler) {
  routes_.push_back(RouteEntry{method, path});
  if constexpr (std::is_invocable_v<Handler, const Request&, Response&, const ContentReader&>) {
    server.Post(path, std::move(handler));
  } else if (std::string(method) == "POST") {
    server.Post(path, std::move(handler));
  } else {
    server.Get(path, std::move(handler));
  }
}

std::string Api::allowed_methods(const std::string& path) const {
  std::string allow;
  for (const auto& r : routes_) {
    if (r.path != path) continue;
    if (!allow.empty()) allow += ", ";
    allow += r.method;
    if (r.method == "GET") allow += ", HEAD";  // httplib answers HEAD from the GET handler
  }
  if (allow.empty() && other_allowed_) return other_allowed_(path);
  return allow;
}

void Api::install(httplib::Server& server) {
  // Every reply, errors included, names the protocol and the epoch of the data it speaks for,
  // and the public key a kiosk seals its pushes to (already enrolled kiosks learn it so).
  seal_keys_ = load_seal_keys(db_);
  httplib::Headers headers{{protocol::kVersionHeader, std::to_string(protocol::kProtocolVersion)},
                           {protocol::kEpochHeader, db_.epoch()}};
  if (seal_keys_) headers.emplace(push_seal::kSealKeyHeader, push_seal::encode_key(seal_keys_->public_key));
  server.set_default_headers(std::move(headers));
  server.set_pre_routing_handler([](const Request&, Response&) {
    t_request = RequestContext{std::chrono::steady_clock::now(), true, ""};
    return httplib::Server::HandlerResponse::Unhandled;
  });
  add_route(server, "POST", protocol::kRouteEnroll, [this](const Request& req, Response& res, const ContentReader& reader) {
    guarded(res, [&] { enroll(req, res, reader); });
  });
  add_route(server, "POST", protocol::kRoutePush, [this](const Request& req, Response& res, const ContentReader& reader) {
    guarded(res, [&] { push(req, res, reader); });
  });
  add_route(server, "GET", protocol::kRoutePull, [this](const Request& req, Response& res) {
    guarded(res, [&] { pull(req, res); });
  });
  add_route(server, "POST", protocol::kRouteHave, [this](const Request& req, Response& res, const ContentReader& reader) {
    guarded(res, [&] { have(req, res, reader); });
  });
  add_route(server, "POST", vault_grant::kRouteEscrow, [this](const Request& req, Response& res, const ContentReader& reader) {
    guarded(res, [&] { escrow_vault_key(req, res, reader); });
  });
  add_route(server, "POST", vault_grant::kRouteGrant, [this](const Request& req, Response& res, const ContentReader& reader) {
    guarded(res, [&] { grant_vault_key(req, res, reader); });
  });
  add_route(server, "GET", protocol::kRouteHealth,
            [this](const Request&, Response& res) { guarded(res, [&] { health(res); }); });
  add_route(server, "GET", protocol::kRouteMetrics, [this](const Request&, Response& res) {
    guarded(res, [&] { res.set_content(metrics_.render() + fleet_gauges(), "text/plain; version=0.0.4"); });
  });
  install_web_routes(server);
  // Unknown routes, and refusals httplib makes before routing, still answer in our JSON shape.
  server.set_error_handler(httplib::Server::HandlerWithResponse([this](const Request& req, Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    // A known path asked with another method: 405 with the methods the route table has for it.
    if (res.status == 404) {
      if (const std::string allow = allowed_methods(req.path); !allow.empty()) {
        res.status = 405;
        res.set_header("Allow", allow);
        send_error(res, Error{"method_not_allowed", "this route takes " + allow});
        return httplib::Server::HandlerResponse::Handled;
      }
    }
    std::string code = "http_" + std::to_string(res.status);
    std::string message = "the request was refused";
    if (res.status == 404) code = "not_found", message = "no such route";
    else if (res.status == 413) code = "too_large", message = "the body is too large";
    else if (res.status == 415) code = "unsupported_media_type", message = "unsupported content type or encoding";
    else if (res.status == 400) code = "invalid_request", message = "the request could not be parsed";
    res.set_content(protocol::error_body(code, message).dump(), "application/json");
    return httplib::Server::HandlerResponse::Handled;
  }));
  server.set_exception_handler([](const Request&, Response& res, std::exception_ptr) {
    send_error(res, Error{"internal", "the server failed to handle this request"});
  });
  // httplib calls this just before it writes any reply (routed, refused before routing, 404,
  // error-handled), so every reply tells the kiosk the server's time and the kiosk can correct
  // its clock from replies that refuse it too.
  server.set_post_routing_handler([](const Request&, Response& res) {
    const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now().time_since_epoch());
    res.set_header(protocol::kServerTimeHeader, std::to_string(now.count()));
  });
  server.set_logger([this](const Request& req, const Response& res) { log_request(req, res); });
}

Result<Device> Api::authorise(const Request& req, Response& res) {
  if (auto s = check_protocol_version(req); !s) return fail(s.error());
  const std::string header = req.get_header_value("Authorization");
  const std::string prefix = "Bearer ";
  if (header.size() <= prefix.size() || header.compare(0, prefix.size(), prefix) != 0) {
    return fail("unauthorized", "an Authorization: Bearer token is required");
  }
  // An address that keeps sending unknown tokens is refused before its next token is looked at.
  auto too_many = [&](const RateLimiter::Decision& d) {
    res.set_header("Retry-After", std::to_string(d.retry_after_seconds));
    return fail("rate_limited", "too many requests with an unknown token from this address; retry later");
  };
  if (auto d = failed_token_limiter_.peek(req.remote_addr); !d.allowed) return too_many(d);
  auto device = devices_.authenticate(header.substr(prefix.size()));
  if (!device) {
    if (device.error().code == "unauthorized") {
      if (auto d = failed_token_limiter_.take(req.remote_addr); !d.allowed) return too_many(d);
    }
    return fail(device.error());
  }
  t_request.device_id = device->id;
  if (auto d = device_limiter_.take(device->id); !d.allowed) {
    res.set_header("Retry-After", std::to_string(d.retry_after_seconds));
    return fail("rate_limited", "too many requests from this device; retry later");
  }
  // Last seen is for operators only: failing to note it must not fail the request.
  (void)devices_.note_seen(device->id, unix_ms_now());
  // What the kiosk reports (outbox, quarantine, app, audit head) is for HQ only, like last seen.
  kiosk_reports_.note(device->id, req.get_header_value(protocol::kKioskStateHeader), unix_ms_now());
  return device;
}

void Api::enroll(const Request& req, Response& res, const ContentReader& reader) {
  auto refuse = [&](const Error& e) {
    drain_body(reader, res, kMaxEnrollBodyBytes);
    send_error(res, e);
  };
  if (auto s = check_protocol_version(req); !s) return refuse(s.error());
  if (auto d = enroll_limiter_.take(req.remote_addr); !d.allowed) {
    res.set_header("Retry-After", std::to_string(d.retry_after_seconds));
    return refuse(Error{"rate_limited", "too many enrolment attempts; retry later"});
  }
  if (auto s = require_json_content_type(req); !s) return refuse(s.error());
  auto body = read_body(reader, res, kMaxEnrollBodyBytes);
  if (!body) return send_error(res, body.error());
  auto json = parse_json_body(*body);
  if (!json) return send_error(res, json.error());
  auto request = protocol::parse_enroll_request(*json);
  if (!request) return send_error(res, request.error());
  auto enrolled = devices_.enroll(request->code, request->device_name);
  if (!enrolled) return send_error(res, enrolled.error());
  t_request.device_id = enrolled->device.id;
  // The device exists and its code is spent whether or not this entry can be written; a failed
  // write is let pass, as refusing the kiosk now would strand it with a used code.
  (void)record_audit(db_, audit::Event{"device:" + enrolled->device.id, "device.enrolled", enrolled->device.id,
                                       {{"centre", enrolled->device.centre}}});
  protocol::EnrollResponse reply{enrolled->device.id, enrolled->token, enrolled->device.centre,
                                 seal_keys_ ? push_seal::encode_key(seal_keys_->public_key) : std::string()};
  res.status = 200;
  res.set_content(protocol::to_json(reply).dump(), "application/json");
}

void Api::push(const Request& req, Response& res, const ContentReader& reader) {
  // The token is checked before the body is read: a wrong one costs a small read at most.
  auto device = authorise(req, res);
  if (!device) {
    drain_body(reader, res, kRefusedBodyDrainBytes);
    return send_error(res, device.error());
  }
  // Reading, opening and checking the batch run below the writer, which every batch waits for.
  run_below_writer();
  CheckTurns::Turn turn;
  auto body = push_bodies_.lease();
  if (auto s = push_body_text(req, res, reader, *device, turn, *body); !s) return send_error(res, s.error());
  auto request = parse_push_body(*body);
  if (!request) return send_error(res, request.error());
  auto reply = ingest_.push(*device, std::move(*request), std::move(turn));
  if (!reply) return send_error(res, reply.error());
  metrics_.observe_push(reply->replay, reply->counts);
  res.status = 200;
  res.set_content(reply->body, "application/json");
}

Status Api::push_body_text(const Request& req, Response& res, const ContentReader& reader, const Device& device,
                           CheckTurns::Turn& turn, std::string& body) {
  const bool sealed = is_sealed_content_type(req);
  if (auto s = sealed ? Status(ok()) : require_json_content_type(req); !s) {
    drain_body(reader, res, options_.max_body_bytes);
    return s;
  }
  const std::size_t expected = expected_body_bytes(req, options_.max_body_bytes);
  if (auto s = read_body_into(reader, res, options_.max_body_bytes, expected, body); !s) return s;
  // Taken once the body is here, so a slow link holds no turn; opening and parsing it are part
  // of the batch's checks.
  turn = ingest_.check_turn();
  if (!sealed) return ok();
  if (!seal_keys_) return fail("internal", "this server cannot open sealed pushes (its key is unavailable)");
  // Opened before anything parses it: the envelope format inside knows nothing of sealing.
  auto opened = push_seal::open(*seal_keys_, device.id, body, options_.max_body_bytes);
  if (!opened) return fail(opened.error());
  body = std::move(*opened);
  return ok();
}

void Api::have(const Request& req, Response& res, const ContentReader& reader) {
  // (id, version) pairs are ~80 bytes of JSON each.
  constexpr std::size_t kMaxHaveBodyBytes = protocol::kMaxHaveRecords * 256;
  auto device = authorise(req, res);
  Status usable = device ? require_json_content_type(req) : Status(fail(device.error()));
  if (!usable) {
    drain_body(reader, res, device ? kMaxHaveBodyBytes : kRefusedBodyDrainBytes);
    return send_error(res, usable.error());
  }
  auto body = read_body(reader, res, kMaxHaveBodyBytes);
  if (!body) return send_error(res, body.error());
  auto json = parse_json_body(*body);
  if (!json) return send_error(res, json.error());
  auto held = parse_have_request(*json);
  if (!held) return send_error(res, held.error());
  auto missing = missing_records(db_, device->centre, *held);
  if (!missing) return send_error(res, missing.error());
  res.status = 200;
  res.set_content(nlohmann::json{{"missing", *missing}}.dump(), "application/json");
}

void Api::pull(const Request& req, Response& res) {
  // On refusals too, so a kiosk that asked for too many learns what it may ask.
  res.set_header(protocol::kPullLimitHeader, std::to_string(server::kMaxPullLimit));
  auto device = authorise(req, res);
  if (!device) return send_error(res, device.error());
  if (req.has_param("centre") && req.get_param_value("centre") != device->centre) {
    return send_error(res, Error{"forbidden", "a device may pull only its own centre's data"});
  }
  const std::string since = req.get_param_value("since");
  const std::string limit = req.get_param_value("limit");
  auto query = parse_pull_query(req.has_param("since") ? &since : nullptr, req.has_param("limit") ? &limit : nullptr);
  if (!query) return send_error(res, query.error());
  std::int64_t delivered = 0;
  const auto form = request_protocol(req) >= 2 ? EnvelopeForm::Compact : EnvelopeForm::Full;
  auto page = server::pull(db_, device->centre, *query, &delivered, form);
  if (!page) return send_error(res, page.error());
  // What this device has seen, for the conflict log of its later pushes (authority.hpp).
  if (auto s = remember_pulled(db_, device->id, delivered); !s) return send_error(res, s.error());
  res.status = 200;
  send_json_page(req, res, std::move(*page));
}

void Api::health(Response& res) {
  auto lease = db_.acquire();
  Status usable = lease ? (*lease)->exec("SELECT 1") : Status(fail(lease.error()));
  if (!usable) return send_error(res, Error{"busy", "the database is not usable"});
  nlohmann::json body = {{"status", "ok"}, {"protocol_version", protocol::kProtocolVersion}};
  res.set_content(body.dump(), "application/json");
}

std::string Api::fleet_gauges() {
  auto lease = db_.acquire();
  if (!lease) return render_fleet_unavailable();
  auto stats = read_fleet_stats(**lease, db_.path());
  return stats ? render_fleet(*stats) : render_fleet_unavailable();
}

void Api::log_request(const Request& req, const Response& res) {
  double ms = 0;
  if (t_request.started) {
    ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t_request.start).count();
  }
  // The route label, never the raw path or query: nothing a client typed reaches the log.
  const std::string route = route_label(req.path);
  metrics_.observe_request(req.method, route, res.status, ms / 1000.0);
  if (options_.log_requests) {
    const std::string method = (req.method == "GET" || req.method == "POST") ? req.method : "OTHER";
    const std::string device = t_request.device_id.empty() ? "-" : t_request.device_id;
    std::fprintf(stderr, "%s %s %s %d %.1fms device=%s\n", iso8601_utc(unix_ms_now()).c_str(), method.c_str(),
                 route.c_str(), res.status, ms, device.c_str());
  }
  t_request = RequestContext{};
}

}  // namespace ws::server

#include "tests/unit/kiosk/support.hpp"

#include <stdexcept>

#include "ws/merge.hpp"
#include "ws/protocol.hpp"

namespace ws::kiosk::test {

std::unique_ptr<Store> enrolled_store(const std::string& dir, const std::string& device, const std::string& centre,
                                      const std::string& token) {
  auto store = Store::open(dir);
  if (!store) throw std::runtime_error("open failed: " + store.error().message);
  auto s = (*store)->set_identity({device, token, centre, "fake://server"});
  if (!s) throw std::runtime_error("identity failed: " + s.error().message);
  return std::move(*store);
}

nlohmann::json intake_payload(int n) {
  return {{"full_name", "Test Person " + std::to_string(n)},
          {"case_number", "OSL-" + std::to_string(10000 + n)},
          {"notes", "Fictional record number " + std::to_string(n) + " for tests."}};
}

void FakeServer::add_device(const std::string& token, const std::string& centre) {
  std::lock_guard lock(mutex_);
  devices_[token] = centre;
}
void FakeServer::set_rejector(std::function<std::string(const Envelope&)> f) {
  std::lock_guard lock(mutex_);
  rejector_ = std::move(f);
}
void FakeServer::set_batch_refuser(std::function<bool(const Envelope&)> f, int status) {
  std::lock_guard lock(mutex_);
  refuser_ = std::move(f);
  refuse_status_ = status;
}
void FakeServer::push_fault(Fault f) {
  std::lock_guard lock(mutex_);
  faults_.push_back(f);
}
void FakeServer::set_down(bool down) {
  std::lock_guard lock(mutex_);
  down_ = down;
}
void FakeServer::publish(const Envelope& e) {
  std::lock_guard lock(mutex_);
  apply(e);
}

std::map<std::string, Envelope> FakeServer::records() const {
  std::lock_guard lock(mutex_);
  return records_;
}
std::size_t FakeServer::batches_seen(const std::string& batch_id) const {
  std::lock_guard lock(mutex_);
  auto it = batch_counts_.find(batch_id);
  return it == batch_counts_.end() ? 0 : it->second;
}
std::size_t FakeServer::push_requests() const {
  std::lock_guard lock(mutex_);
  return push_requests_;
}
std::size_t FakeServer::distinct_batches() const {
  std::lock_guard lock(mutex_);
  return batch_counts_.size();
}

void FakeServer::apply(const Envelope& e) {
  auto it = records_.find(e.id);
  if (it == records_.end()) {
    Envelope stored = e;
    stored.base_version.reset();
    records_[e.id] = stored;
  } else {
    auto m = merge(it->second, e);
    if (!m.changed) return;
    it->second = m.merged;
  }
  seq_of_[e.id] = ++seq_;
  feed_.emplace_back(seq_, e.id);
}

HttpReply FakeServer::push(const std::string& centre, const nlohmann::json& body) {
  auto req = protocol::parse_push_request(body);
  if (!req) return {400, protocol::error_body(req.error().code, req.error().message).dump(), {}, true, {}, {}};
  ++push_requests_;
  ++batch_counts_[req->batch_id];
  const std::string canonical = body.dump();
  if (auto it = replies_.find(req->batch_id); it != replies_.end()) {
    if (it->second.first != canonical) return {409, protocol::error_body("batch_conflict", "reused batch id").dump(), {}, true, {}, {}};
    return {200, it->second.second, {}, true, {}, {}};
  }
  std::vector<Result<Envelope>> parsed;
  for (const auto& raw : req->records) {
    parsed.push_back(envelope_from_json(raw));
    if (parsed.back() && parsed.back()->centre != centre) {
      return {403, protocol::error_body("forbidden", "another centre's record").dump(), {}, true, {}, {}};
    }
    if (parsed.back() && refuser_ && refuser_(*parsed.back())) {
      return {refuse_status_, protocol::error_body("invalid_request", "refused whole batch").dump(), {}, true, {}, {}};
    }
  }
  protocol::PushResponse reply{req->batch_id, {}, "", ""};
  for (std::size_t i = 0; i < parsed.size(); ++i) {
    const auto& e = parsed[i];
    const std::string id = req->records[i].is_object() ? req->records[i].value("id", "") : "";
    if (!e) {
      reply.results.push_back({id, protocol::RecordStatus::Rejected, e.error().message});
      continue;
    }
    if (rejector_) {
      if (auto reason = rejector_(*e); !reason.empty()) {
        reply.results.push_back({e->id, protocol::RecordStatus::Rejected, reason});
        continue;
      }
    }
    auto existing = records_.find(e->id);
    auto status = protocol::RecordStatus::Applied;
    if (existing != records_.end()) {
      status = merge(existing->second, *e).changed ? protocol::RecordStatus::Merged : protocol::RecordStatus::Duplicate;
    }
    apply(*e);
    reply.results.push_back({e->id, status, ""});
  }
  reply.cursor = std::to_string(seq_);
  const std::string text = protocol::to_json(reply).dump();
  replies_[req->batch_id] = {canonical, text};
  return {200, text, {}, true, {}, {}};
}

HttpReply FakeServer::pull(const std::string& centre, const std::string& path) {
  std::int64_t since = 0;
  int limit = 100;
  if (auto p = path.find("since="); p != std::string::npos) since = std::stoll(path.substr(p + 6));
  if (auto p = path.find("limit="); p != std::string::npos) limit = std::stoi(path.substr(p + 6));
  protocol::PullResponse r;
  r.cursor = std::to_string(since);
  for (const auto& [seq, id] : feed_) {
    if (seq <= since || seq_of_[id] != seq) continue;
    const Envelope& e = records_[id];
    if (e.centre != centre && e.kind != "form" && e.kind != "content") continue;
    if (static_cast<int>(r.records.size()) == limit) {
      r.more = true;
      break;
    }
    r.records.push_back(e);
    r.cursor = std::to_string(seq);
  }
  return {200, protocol::to_json(r).dump(), {}, true, {}, {}};
}

Result<HttpReply> FakeServer::handle(const HttpRequest& req) {
  std::lock_guard lock(mutex_);
  if (down_) return fail("network", "the server cannot be reached (fake network down)");
  std::optional<Fault> fault;
  if (!faults_.empty() && req.path != protocol::kRouteHealth) {
    fault = faults_.front();
    faults_.pop_front();
  }
  if (fault == Fault::NetworkBefore) return fail("network", "connection reset (injected)");
  if (fault == Fault::Status500) return HttpReply{500, "<html>internal error</html>", {}, false, {}, {}};
  if (fault == Fault::Status429) return HttpReply{429, protocol::error_body("rate_limited", "slow down").dump(), 7, true, {}, {}};

  HttpReply reply;
  if (req.path == protocol::kRouteHealth) {
    reply = {200, "{\"ok\":true}", {}, true, {}, {}};
  } else {
    auto device = devices_.find(req.bearer_token);
    if (device == devices_.end()) {
      reply = {401, protocol::error_body("unauthorized", "unknown device").dump(), {}, true, {}, {}};
    } else if (req.path == protocol::kRoutePush) {
      auto body = nlohmann::json::parse(req.body, nullptr, false);
      reply = body.is_discarded() ? HttpReply{400, protocol::error_body("invalid_json", "bad json").dump(), {}, true, {}, {}}
                                  : push(device->second, body);
    } else if (req.path.rfind(protocol::kRoutePull, 0) == 0) {
      reply = pull(device->second, req.path);
    } else {
      reply = {404, protocol::error_body("not_found", "no route").dump(), {}, true, {}, {}};
    }
  }
  if (fault == Fault::NetworkAfter) return fail("network", "connection reset after the request (injected)");
  if (fault == Fault::Truncated) reply.body = reply.body.substr(0, reply.body.size() / 2);
  return reply;
}

}  // namespace ws::kiosk::test

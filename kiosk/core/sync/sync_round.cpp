#include "kiosk/core/sync/sync_round.hpp"

#include "kiosk/core/store/audit.hpp"
#include "kiosk/core/sync/refusal.hpp"
#include "kiosk/core/sync/vault_grant_client.hpp"
#include "ws/envelope_reader.hpp"
#include "ws/kiosk_state.hpp"
#include "ws/push_reply.hpp"

#include <algorithm>
#include <chrono>
#include <deque>
#include <future>
#include <string_view>
#include <unordered_set>

namespace ws::kiosk {
namespace {

std::string url_encode(const std::string& s) {
  static const char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 0xF];
    }
  }
  return out;
}

Result<nlohmann::json> parse_body(const HttpReply& reply, const std::string& what) {
  auto j = nlohmann::json::parse(reply.body, nullptr, false);
  if (j.is_discarded()) return fail("invalid_response", "the server's " + what + " reply was cut off or is not JSON");
  return j;
}

// A whole batch refused because of what is in it (refusal.hpp says which replies those are):
// splitting the batch finds the record at fault, which is then quarantined, so it never blocks
// the others.
bool refuses_content(const HttpReply& reply) { return classify_push_refusal(reply) == ReplyMeaning::BadContent; }

// Runs `step`, adding its wall time to `seconds`.
template <typename F>
auto timed(double& seconds, F&& step) {
  const auto start = std::chrono::steady_clock::now();
  auto result = step();
  seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

// A push or a pull commits up to 1,000 records a transaction: for as long as it runs, a page
// cache that holds them and one checkpoint at the end rather than one inside nearly every
// commit. Best effort: without either the phase is only slower.
class BulkWrites {
 public:
  explicit BulkWrites(Store& store) : store_(store) {
    (void)store_.set_bulk_cache(true);
    (void)store_.defer_checkpoints(true);
  }
  ~BulkWrites() {
    (void)store_.defer_checkpoints(false);
    (void)store_.set_bulk_cache(false);
  }
  BulkWrites(const BulkWrites&) = delete;
  BulkWrites& operator=(const BulkWrites&) = delete;

 private:
  Store& store_;
};

// A push as the server answered it and, for a 200, its verdicts, read on the request's own
// thread while the round's thread commits the batch before.
struct PushReply {
  HttpReply reply;
  Result<protocol::PushResponse> verdicts;
};

Result<PushReply> send_push(Transport& transport, HttpRequest req) {
  auto reply = transport.send(std::move(req));
  if (!reply) return fail(reply.error());
  PushReply sent{std::move(*reply), fail("invalid_response", "no verdicts")};
  if (sent.reply.status != 200) return sent;
  // simdjson reads the replies it accepts; any other goes to the strict parse for its verdict.
  if (auto read = protocol::read_push_reply(sent.reply.body)) {
    sent.verdicts = std::move(*read);
  } else {
    auto j = parse_body(sent.reply, "push");
    sent.verdicts = j ? protocol::parse_push_response(*j) : Result<protocol::PushResponse>(fail(j.error()));
  }
  std::string().swap(sent.reply.body);  // read; nothing else looks at a 200's body
  return sent;
}

// A frozen batch and, once sent, its reply on the way (its body then went with the request).
struct Outgoing {
  OutboxBatch batch;
  std::future<Result<PushReply>> reply;  // valid once sent
  bool sent() const { return reply.valid(); }
};

// Batches in flight at once may be applied in any order, so no two of them may hold the same
// record: its versions must reach the server in the order they were made. A record saved again
// while its batch is unacknowledged is queued again and can be frozen in the next batch.
// Whether `b` holds a record of any batch in [first, last): one set of b's ids serves them all
// (a set built per pair cost ~1,000 instructions a record).
template <typename It>
bool shares_a_record(It first, It last, const OutboxBatch& b) {
  if (first == last) return false;
  const std::unordered_set<std::string_view> ids(b.record_ids.begin(), b.record_ids.end());
  return std::any_of(first, last, [&](const Outgoing& o) {
    return std::any_of(o.batch.record_ids.begin(), o.batch.record_ids.end(),
                       [&](const std::string& id) { return ids.count(id) > 0; });
  });
}

}  // namespace

Result<protocol::EnrollResponse> enroll_device(Transport& transport, const std::string& code,
                                               const std::string& device_name) {
  HttpRequest req;
  req.method = HttpRequest::Method::Post;
  req.path = protocol::kRouteEnroll;
  req.body = protocol::to_json(protocol::EnrollRequest{code, device_name}).dump();
  auto reply = transport.send(req);
  if (!reply) return fail(reply.error());
  if (reply->status != 200) {
    auto e = protocol::parse_error_body(reply->body, reply->status);
    return fail(e.code, "the server refused the enrolment: " + e.message);
  }
  auto j = parse_body(*reply, "enrolment");
  if (!j) return fail(j.error());
  return protocol::parse_enroll_response(*j);
}

SyncRound::SyncRound(Store& store, Transport& transport, RoundOptions options)
    : store_(store), transport_(transport), options_(options) {}

Result<DeviceIdentity> SyncRound::enrolled_identity() {
  auto id = store_.identity();
  if (!id) return fail(id.error());
  if (!id->enrolled()) return fail("not_enrolled", "this kiosk is not enrolled with a server yet");
  return id;
}

Unexpected SyncRound::http_failure(const HttpReply& reply, const std::string& action) {
  if (!reply.from_server && reply.status != 429) return fail(not_from_server(reply, action));
  const auto e = protocol::parse_error_body(reply.body, reply.status);
  if (reply.status == 401) {
    return fail("unauthorized", "the server no longer accepts this kiosk (revoked or unknown); enrol it again");
  }
  if (reply.status == 429) {
    retry_after_ = reply.retry_after_seconds.value_or(30);
    return fail("rate_limited", "the server is busy and asked to wait " + std::to_string(*retry_after_) + " s");
  }
  if (reply.status == 426 || e.code == "protocol_version") {
    return fail("protocol_version", "the server speaks another protocol version: update this kiosk");
  }
  return fail(e.code.empty() ? "http_" + std::to_string(reply.status) : e.code,
              action + " failed: " + e.message + " (HTTP " + std::to_string(reply.status) + ")");
}

Status SyncRound::probe() {
  HttpRequest req;
  req.path = protocol::kRouteHealth;
  auto reply = transport_.send(req);
  if (!reply) return fail(reply.error());
  if (reply->status != 200) return http_failure(*reply, "the health check");
  return ok();
}

Result<RoundReport> SyncRound::run(const ProgressFn& progress) {
  if (auto s = reconcile_epoch(); !s) return fail(s.error());
  // That first reply told the server's time: stamps a fast clock wrote beyond the server's
  // window are made again before anything is sent, so they are not refused.
  if (auto recovered = store_.recover_future_stamps(); !recovered) return fail(recovered.error());
  auto report = push(progress);
  // Outbox rows carry their own copy sealed to the server, so a locked vault does not stop a
  // push; should a batch still need a record that cannot be read now (docs/security.md
  // "Encryption at rest"), it waits for the next sign-in and the pull still runs, so erasures
  // and other kiosks' work keep arriving.
  const bool push_locked = !report && report.error().code == "vault_locked";
  if (push_locked) report = RoundReport{};
  if (!report) return report;
  auto waiting = store_.pending_count();
  if (!waiting) return fail(waiting.error());
  auto pulled = pull();
  if (!pulled) return fail(pulled.error());
  report->pulled_changes = *pulled;
  // Closed cases past the centre's retention go once the server holds every version of them.
  if (auto expired = store_.apply_retention(); !expired) return fail(expired.error());
  if (push_locked) {
    return fail("vault_locked", "pulled; the records not sent yet are encrypted and go out after the next sign-in");
  }
  auto done = resend_requeued(std::move(*report), *waiting, progress);
  // The vault key's escrow needs no secret to send; the next round tries again if this fails.
  if (auto id = enrolled_identity(); done && id) (void)offer_escrow(store_, transport_, *id);
  return done;
}

Result<RoundReport> SyncRound::resend_requeued(RoundReport report, std::int64_t waiting_before_pull,
                                               const ProgressFn& progress) {
  // A pull that brought a form version puts the records refused for it back in the outbox
  // (Store::apply_pull): they go out in this round, not the next.
  auto waiting = store_.pending_count();
  if (!waiting) return fail(waiting.error());
  if (*waiting <= waiting_before_pull) return report;
  auto again = push(progress);
  if (!again) return again;
  report.batches += again->batches;
  report.accepted += again->accepted;
  report.rejected += again->rejected;
  return report;
}

Result<RoundReport> SyncRound::push(const ProgressFn& progress) {
  retry_after_.reset();
  auto id = enrolled_identity();
  if (!id) return fail(id.error());
  auto total = store_.pending_count();
  if (!total) return fail(total.error());
  RoundReport report;
  if (progress) progress(0, *total);

  BatchLimits limits = options_.batch;
  limits.max_records = std::clamp<std::size_t>(limits.max_records, 1, protocol::kMaxBatchRecords);
  const std::string state = kiosk_state(*total);
  auto send = [&](Outgoing& o) {
    HttpRequest req;
    req.method = HttpRequest::Method::Post;
    req.path = protocol::kRoutePush;
    req.body = std::move(o.batch.body);  // read once: a batch not acknowledged is frozen again
    req.bearer_token = id->token;
    req.kiosk_state = state;
    // The store stays on this thread; each request waits for its reply, and reads it, on its own.
    o.reply = std::async(std::launch::async,
                         [this, req = std::move(req)]() mutable { return send_push(transport_, std::move(req)); });
  };
  BulkWrites bulk{store_};
  PushTimings& time = report.push_time;
  // Up to `push_depth` batches ahead of the verdicts, acknowledged in order. The oldest is on its
  // way; each one behind it goes too when the transport takes several requests at once and it
  // shares no record with a batch still on the wire (the server may apply them in any order),
  // else it waits for the reply that frees it. A verdict is applied in the transaction that
  // freezes the batch behind the last one (one fsync).
  const std::size_t depth = std::max<std::size_t>(options_.push_depth, 1);
  std::deque<Outgoing> queue;
  // Sends, in order, what may go now; `answered` batches at the front have their reply in.
  auto send_ahead = [&](std::size_t answered) {
    for (std::size_t i = answered; i < queue.size(); ++i) {
      if (queue[i].sent()) continue;
      const auto on_wire = queue.begin() + static_cast<std::ptrdiff_t>(answered);
      const auto this_one = queue.begin() + static_cast<std::ptrdiff_t>(i);
      const bool clear =
          this_one == on_wire || (transport_.concurrent() && !shares_a_record(on_wire, this_one, this_one->batch));
      if (!clear) return;  // the ones behind it wait with it: batches go in the order frozen
      send(*this_one);
    }
  };
  // The batch_ids of queue[from..]: the batches a freeze must not offer again.
  auto ids_from = [&](std::size_t from) {
    InFlight ids;
    for (std::size_t i = from; i < queue.size(); ++i) ids.push_back(queue[i].batch.batch_id);
    return ids;
  };
  // Freezes batches behind the queue until it holds `depth` (or the outbox has no more).
  auto fill = [&]() -> Status {
    while (queue.size() < depth) {
      auto next = timed(time.freeze_s, [&] { return store_.next_batch(limits, ids_from(0)); });
      if (!next) return fail(next.error());
      if (!*next) break;
      queue.push_back(Outgoing{std::move(**next), {}});
      send_ahead(0);
    }
    return ok();
  };
  if (auto s = fill(); !s) return fail(s.error());
  int conflicts_in_a_row = 0;
  while (!queue.empty()) {
    auto reply = timed(time.wait_s, [&] { return queue.front().reply.get(); });
    if (!reply) return fail(reply.error());  // a batch still in flight is sent again next round
    send_ahead(1);
    auto after = settle(reply->reply, reply->verdicts, queue.front().batch, ids_from(1), limits, conflicts_in_a_row,
                        report, *total, progress);
    if (!after) return fail(after.error());
    queue.pop_front();
    if (!*after) continue;
    queue.push_back(Outgoing{std::move(**after), {}});
    send_ahead(0);
    // The queue was short (what this verdict put back in it, dissolved or requeued, was frozen
    // just now): the batches behind it are frozen now.
    if (auto s = fill(); !s) return fail(s.error());
  }
  return report;
}

Result<std::optional<OutboxBatch>> SyncRound::settle(const HttpReply& reply,
                                                     const Result<protocol::PushResponse>& verdicts,
                                                     const OutboxBatch& b, const InFlight& ahead,
                                                     BatchLimits& limits, int& conflicts_in_a_row, RoundReport& report,
                                                     std::int64_t total, const ProgressFn& progress) {
  PushTimings& time = report.push_time;
  if (reply.status != 200) {
    if (auto s = settle_refused(reply, b, limits, conflicts_in_a_row, report, total, progress); !s) return fail(s.error());
    return timed(time.freeze_s, [&] { return store_.next_batch(limits, ahead); });
  }
  if (!verdicts) return fail(verdicts.error());
  auto done = timed(time.ack_s, [&] { return store_.acknowledge_and_freeze(b.batch_id, *verdicts, limits, ahead); });
  if (!done) return fail(done.error());
  const AckOutcome& ack = done->ack;
  if (ack.accepted + ack.rejected == 0) {
    return fail("invalid_response", "the server acknowledged none of the records it was sent");
  }
  ++report.batches;
  report.accepted += ack.accepted;
  report.rejected += ack.rejected;
  conflicts_in_a_row = 0;
  if (progress) progress(static_cast<std::int64_t>(report.accepted + report.rejected), total);
  return std::move(done->next);
}

Status SyncRound::settle_refused(const HttpReply& reply, const OutboxBatch& b, BatchLimits& limits,
                                 int& conflicts_in_a_row, RoundReport& report, std::int64_t total,
                                 const ProgressFn& progress) {
  if (reply.status == 409 && ++conflicts_in_a_row <= 3) {
    // The server holds different content under this batch_id (e.g. a data folder restored
    // from a backup). Records are idempotent by version, so a fresh batch_id is safe.
    return store_.dissolve_batch(b.batch_id);
  }
  if (!refuses_content(reply)) return http_failure(reply, "sending records");
  if (auto s = store_.dissolve_batch(b.batch_id); !s) return s;
  if (b.record_count > 1) {
    limits.max_records = std::max<std::size_t>(1, b.record_count / 2);
  } else if (!b.record_ids.empty()) {
    const auto e = protocol::parse_error_body(reply.body, reply.status);
    if (auto s = store_.quarantine(b.record_ids.front(), e.message); !s) return s;
    ++report.rejected;
    if (progress) progress(static_cast<std::int64_t>(report.accepted + report.rejected), total);
  }
  return ok();
}

Result<std::size_t> SyncRound::pull() {
  retry_after_.reset();
  auto id = enrolled_identity();
  if (!id) return fail(id.error());
  auto cursor = store_.pull_cursor();
  if (!cursor) return fail(cursor.error());
  // Read from the store here, on this thread; every page's request reports the same state.
  const std::string state = kiosk_state();
  // `spent` is a page applied earlier: its thousands of parsed values are freed on the download
  // thread, while it waits for the server, instead of on this thread between two pages.
  // What every server accepts, until a reply announces this server's own limit.
  int limit = std::clamp(options_.pull_limit, 1, protocol::kMaxPullLimit);
  auto request = [this, &id, &state, &limit](const std::string& since, std::optional<protocol::PullResponse> spent) {
    HttpRequest req;
    req.path = std::string(protocol::kRoutePull) + "?limit=" + std::to_string(limit);
    if (!since.empty()) req.path += "&since=" + url_encode(since);
    req.bearer_token = id->token;
    req.kiosk_state = state;
    // One request at a time on the transport; the store stays on this thread. The page is
    // parsed on the download's thread too, so that parse overlaps the previous page's commit.
    return std::async(std::launch::async, [this, req = std::move(req), spent = std::move(spent)]() mutable {
      spent.reset();
      return fetch_page(req);
    });
  };
  BulkWrites bulk{store_};
  std::size_t changed = 0;
  std::string since = *cursor;
  std::optional<protocol::PullResponse> spent;
  auto in_flight = request(since, std::nullopt);
  for (int page = 0; page < options_.max_pull_pages; ++page) {
    auto fetched = in_flight.get();
    if (!fetched) return fail(fetched.error());
    if (const auto announced = fetched->reply.server_pull_limit) limit = std::clamp(options_.pull_limit, 1, *announced);
    if (fetched->reply.status != 200) return http_failure(fetched->reply, "receiving changes");
    if (!fetched->page) return fail(fetched->page.error());
    protocol::PullResponse& parsed = *fetched->page;
    const bool more = parsed.more;
    if (more && parsed.cursor == since && parsed.records.empty()) {
      return fail("invalid_response", "the server said there is more to pull but sent nothing");
    }
    // The next page downloads while this one is merged and committed. Pages are applied in
    // order, each with its cursor, so a failure here leaves the cursor at the last page applied
    // and the page in flight is simply not used.
    if (more && page + 1 < options_.max_pull_pages) in_flight = request(parsed.cursor, std::move(spent));
    auto applied = store_.apply_pull(parsed);
    if (!applied) return fail(applied.error());
    changed += *applied;
    if (!more) break;
    since = parsed.cursor;
    spent = std::move(parsed);
  }
  return changed;
}

Result<SyncRound::FetchedPage> SyncRound::fetch_page(const HttpRequest& req) {
  auto reply = transport_.send(req);
  if (!reply) return fail(reply.error());
  FetchedPage fetched{std::move(*reply), fail("invalid_response", "no page")};
  if (fetched.reply.status != 200) return fetched;
  // simdjson reads the pages it accepts; any other goes to the strict parse for its verdict.
  // Compact field versions and no payload tree: what a new record is stored with
  // (Store::apply_pull); the records whose payload it reads get their tree.
  if (auto read = protocol::read_pull_page(fetched.reply.body, EnvelopeForm::Compact, &Store::pull_reads_payload)) {
    fetched.page = std::move(*read);
  } else {
    auto j = parse_body(fetched.reply, "pull");
    fetched.page = j ? protocol::parse_pull_response(std::move(*j)) : Result<protocol::PullResponse>(fail(j.error()));
  }
  std::string().swap(fetched.reply.body);  // parsed; a megabyte need not wait for the page to be applied
  return fetched;
}

Status SyncRound::reconcile_epoch() {
  auto id = enrolled_identity();
  if (!id) return fail(id.error());
  HttpRequest req;
  req.path = protocol::kRouteHealth;
  auto reply = transport_.send(req);
  if (!reply) return fail(reply.error());
  if (reply->status != 200) return http_failure(*reply, "the health check");
  auto known = store_.server_epoch();
  if (!known) return fail(known.error());
  const std::string& now = reply->server_epoch;
  // The key this server's pushes are sealed to comes with every reply; an older server names none.
  if (!reply->server_seal_key.empty()) {
    if (auto s = store_.set_server_seal_key(reply->server_seal_key); !s) return s;
  }
  if (now.empty() || *known == now) return ok();
  if (!known->empty()) {
    if (auto s = store_.reset_pull_cursor(); !s) return s;
    if (auto s = offer_back(*id); !s) return s;
  }
  return store_.set_server_epoch(now);
}

Status SyncRound::offer_back(const DeviceIdentity& id) {
  std::string after;
  while (true) {
    auto held = store_.held_records(after, protocol::kMaxHaveRecords);
    if (!held) return fail(held.error());
    if (held->empty()) return ok();
    nlohmann::json list = nlohmann::json::array();
    for (const auto& h : *held) list.push_back({{"id", h.id}, {"version", h.version.to_string()}});
    HttpRequest req;
    req.method = HttpRequest::Method::Post;
    req.path = protocol::kRouteHave;
    req.body = nlohmann::json{{"records", std::move(list)}}.dump();
    req.bearer_token = id.token;
    auto reply = transport_.send(req);
    if (!reply) return fail(reply.error());
    if (reply->status != 200) return http_failure(*reply, "asking the restored server what it lacks");
    auto j = parse_body(*reply, "have");
    if (!j) return fail(j.error());
    if (!j->is_object() || !j->contains("missing") || !(*j)["missing"].is_array()) {
      return fail("invalid_response", "the server's have reply has no missing list");
    }
    std::vector<std::string> missing;
    for (const auto& m : (*j)["missing"]) {
      if (m.is_string()) missing.push_back(m.get<std::string>());
    }
    if (auto n = store_.requeue(missing); !n) return fail(n.error());
    after = held->back().id;
  }
}

std::string SyncRound::kiosk_state(std::optional<std::int64_t> pending) {
  auto outbox = pending ? Result<std::int64_t>(*pending) : store_.pending_count();
  auto quarantined = store_.quarantined_count();
  auto head = audit_head(store_);
  if (!outbox || !quarantined || !head) return "";
  return protocol::format_kiosk_state(protocol::KioskState{*outbox, *quarantined, WS_APP_VERSION, *head});
}

}  // namespace ws::kiosk

// Pull pages larger than protocol::kMaxPullLimit: the server announces its own limit on every
// pull reply (protocol::kPullLimitHeader); the kiosk asks the old limit until it has heard one,
// and never more than that from a server that announces none.
#include <doctest/doctest.h>

#include <mutex>

#include "kiosk/core/sync/sync_round.hpp"
#include "sync-server/core/feed.hpp"
#include "tests/unit/kiosk/support.hpp"
#include "tests/unit/kiosk/test_server.hpp"

using namespace ws::kiosk;
using ws::kiosk::test::TempDir;
using ws::kiosk::test::TestServer;

namespace {

// The real HTTP transport, noting the `limit` of every pull. As an older server it drops the
// announcement and refuses more than the old limit, as such a server does.
class PullWatcher final : public Transport {
 public:
  PullWatcher(const std::string& url, bool older_server) : older_(older_server) {
    auto t = make_http_transport(url);
    REQUIRE(t);
    inner_ = std::move(*t);
  }
  ws::Result<HttpReply> send(HttpRequest request) override {
    const std::string prefix = std::string(ws::protocol::kRoutePull) + "?limit=";
    if (request.path.rfind(prefix, 0) == 0) {
      const int limit = std::stoi(request.path.substr(prefix.size()));
      {
        std::lock_guard lock(mutex_);
        limits_.push_back(limit);
      }
      if (older_ && limit > ws::protocol::kMaxPullLimit) {
        HttpReply refused;
        refused.status = 400;
        refused.body = R"({"error":{"code":"invalid_request","message":"'limit' must be between 1 and 1000"}})";
        refused.from_server = true;
        return refused;
      }
    }
    auto reply = inner_->send(request);
    if (reply && older_) reply->server_pull_limit.reset();
    return reply;
  }
  std::vector<int> limits() const {
    std::lock_guard lock(mutex_);
    return limits_;
  }

 private:
  bool older_;
  std::unique_ptr<Transport> inner_;
  mutable std::mutex mutex_;
  std::vector<int> limits_;
};

// `n` intakes saved by one kiosk of OSLO and pushed to the server.
void seed(TestServer& srv, int n) {
  test::EnrolledKiosk writer(srv, "OSLO");
  std::vector<Store::NewRecord> records;
  for (int i = 0; i < n; ++i) records.push_back({"intake", test::intake_payload(i), 1});
  REQUIRE(writer.store->save_all(records));
  REQUIRE(writer.sync());
}

std::size_t intakes(Store& store) {
  ListQuery query;
  query.kind = "intake";
  query.limit = 10000;
  auto list = store.list(query);
  REQUIRE(list);
  return list->size();
}

// A new kiosk of OSLO pulls the `records` intakes one kiosk pushed; returns the limits it asked.
std::vector<int> limits_asked(int records, bool older_server, RoundOptions options = {}) {
  TestServer srv;
  seed(srv, records);
  TempDir dir;
  auto store = test::enrolled_store(dir.path(), srv.enroll("OSLO"));
  PullWatcher watcher(srv.url(), older_server);
  auto pulled = SyncRound(*store, watcher, options).pull();
  REQUIRE(pulled);
  CHECK(*pulled == static_cast<std::size_t>(records));
  CHECK(intakes(*store) == static_cast<std::size_t>(records));
  return watcher.limits();
}

}  // namespace

TEST_CASE("a new kiosk asks the old page size first, then the size the server announces") {
  RoundOptions larger;
  larger.pull_limit = ws::server::kMaxPullLimit;  // a kiosk whose own page size is above 1,000
  const std::vector<int> expected{ws::protocol::kMaxPullLimit, ws::server::kMaxPullLimit};
  CHECK(limits_asked(2500, false, larger) == expected);  // 1,000 then the other 1,500 in one page
}

TEST_CASE("a kiosk asks an older server, which announces no limit, for the old page size only") {
  RoundOptions larger;
  larger.pull_limit = ws::server::kMaxPullLimit;
  CHECK(limits_asked(2500, true, larger) == std::vector<int>(3, ws::protocol::kMaxPullLimit));
}

TEST_CASE("the kiosk asks no more than its own page size, whatever the server announces") {
  RoundOptions options;
  options.pull_limit = 12;
  CHECK(limits_asked(30, false, options) == std::vector<int>{12, 12, 12});
}

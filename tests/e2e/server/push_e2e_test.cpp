#include <doctest/doctest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include "tests/e2e/server/kiosk_sim.hpp"
#include "ws/push_seal.hpp"

using namespace ws;
using namespace ws::e2e;
using nlohmann::json;

namespace {

// `count` new intake records of Oslo by kiosk `k`, numbered in their answer `n`.
json numbered_intakes(const Kiosk& k, int count) {
  json records = json::array();
  for (int i = 0; i < count; ++i) {
    records.push_back(record(new_uuid_v7(), "intake", "OSLO", Version{Hlc{now_ms(), 0}, k.device_id}, {{"n", i}}));
  }
  return records;
}

}  // namespace

TEST_CASE("50 concurrent replays of one batch store each record once and reuse with other content is 409") {
  TempDir dir;
  const auto db = dir.file("s.db");
  ServerProcess server(db, dir.file("server.log"));
  Kiosk k = enroll(db, server, "OSLO");
  const json records = numbered_intakes(k, 100);
  const auto batch_id = new_uuid_v7();
  const auto body = batch(batch_id, records);

  std::vector<std::string> replies(50);
  std::vector<int> statuses(50, 0);
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 50; ++i) {
    threads.emplace_back([&, i] {
      auto c = server.client();
      ready.fetch_add(1);
      while (ready.load() < 50) std::this_thread::yield();  // release all requests together
      if (auto res = push(c, k, body)) {
        statuses[i] = res->status;
        replies[i] = res->body;
      } else {
        statuses[i] = -static_cast<int>(res.error());
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < 50; ++i) {
    CAPTURE(i);
    CHECK(statuses[i] == 200);
    CHECK((replies[i] == replies[0]));
  }
  auto reply = protocol::parse_push_response(json::parse(replies[0]));
  REQUIRE(reply.has_value());
  for (const auto& r : reply->results) CHECK(r.status == protocol::RecordStatus::Applied);
  CHECK(db_count(db, "SELECT COUNT(*) FROM records") == 100);
  CHECK(db_count(db, "SELECT MAX(seq) FROM records") == 100);
  CHECK(db_count(db, "SELECT COUNT(*) FROM batches") == 1);

  json changed = records;
  changed[0]["payload"]["n"] = 999;
  auto c = server.client();
  auto conflict = push(c, k, batch(batch_id, changed));
  REQUIRE(conflict);
  CHECK(conflict->status == 409);
  CHECK(json::parse(conflict->body)["error"]["code"] == "batch_conflict");
  CHECK(db_count(db, "SELECT MAX(seq) FROM records") == 100);
}

TEST_CASE("two devices editing one case concurrently: different fields both kept, same field later wins and the loser is logged") {
  TempDir dir;
  const auto db = dir.file("s.db");
  ServerProcess server(db, dir.file("server.log"));
  Kiosk a = enroll(db, server, "OSLO", "a");
  Kiosk b = enroll(db, server, "OSLO", "b");
  const auto id = new_uuid_v7();
  const auto t0 = now_ms();
  const Version base{Hlc{t0, 0}, a.device_id};
  auto c = server.client();
  REQUIRE(push(c, a, batch(new_uuid_v7(), json::array({record(id, "case", "OSLO", base,
                                                                  {{"status", "open"}, {"phone", "1"}, {"notes", "x"}})})))->status == 200);
  // Both devices pulled the case before editing it, as kiosks do.
  for (const Kiosk* k : {&a, &b}) REQUIRE(c.Get("/v1/pull?since=0", k->auth())->status == 200);

  auto concurrently = [&](const json& from_a, const json& from_b) {
    std::atomic<int> ready{0};
    auto run = [&](const Kiosk& k, const json& rec) {
      auto client = server.client();
      ready.fetch_add(1);
      while (ready.load() < 2) std::this_thread::yield();
      auto res = push(client, k, batch(new_uuid_v7(), json::array({rec})));
      REQUIRE(res);
      CHECK(res->status == 200);
    };
    std::thread ta(run, std::cref(a), std::cref(from_a));
    std::thread tb(run, std::cref(b), std::cref(from_b));
    ta.join();
    tb.join();
  };

  // Different fields, both from `base`.
  auto ea = record(id, "case", "OSLO", Version{Hlc{t0 + 10, 0}, a.device_id}, {{"status", "decided"}}, base);
  auto eb = record(id, "case", "OSLO", Version{Hlc{t0 + 20, 0}, b.device_id}, {{"phone", "2"}}, base);
  concurrently(ea, eb);
  // Same field, both from `base`: b's later clock must win whatever order they land in.
  auto sa = record(id, "case", "OSLO", Version{Hlc{t0 + 30, 0}, a.device_id}, {{"notes", "from a"}}, base);
  auto sb = record(id, "case", "OSLO", Version{Hlc{t0 + 40, 0}, b.device_id}, {{"notes", "from b"}}, base);
  concurrently(sa, sb);

  auto pulled = c.Get("/v1/pull?since=0", a.auth());
  REQUIRE(pulled);
  REQUIRE(pulled->status == 200);
  auto page = protocol::parse_pull_response(json::parse(pulled->body));
  REQUIRE(page.has_value());
  REQUIRE(page->records.size() == 1);
  const auto& merged = page->records[0].payload;
  CHECK(merged["status"] == "decided");
  CHECK(merged["phone"] == "2");
  CHECK(merged["notes"] == "from b");
  CHECK(db_count(db, "SELECT COUNT(*) FROM conflicts WHERE field = 'notes' AND lost_value = '\"from a\"'"
                     " AND won_value = '\"from b\"'") == 1);
  CHECK(db_count(db, "SELECT COUNT(*) FROM conflicts WHERE field != 'notes'") == 0);
}

TEST_CASE("pull pagination returns every change once and centre scoping holds over HTTP") {
  TempDir dir;
  const auto db = dir.file("s.db");
  ServerProcess server(db, dir.file("server.log"));
  Kiosk oslo = enroll(db, server, "OSLO");
  Kiosk bergen = enroll(db, server, "BERGEN");
  auto c = server.client();
  std::set<std::string> oslo_ids;
  for (int b = 0; b < 5; ++b) {
    json ro = json::array(), rb = json::array();
    for (int i = 0; i < 30; ++i) {
      oslo_ids.insert(new_uuid_v7());
      ro.push_back(record(*oslo_ids.rbegin(), "case", "OSLO", Version{Hlc{now_ms(), 0}, oslo.device_id}, {{"i", i}}));
      rb.push_back(record(new_uuid_v7(), "case", "BERGEN", Version{Hlc{now_ms(), 0}, bergen.device_id}, {{"i", i}}));
    }
    REQUIRE(push(c, oslo, batch(new_uuid_v7(), ro))->status == 200);
    REQUIRE(push(c, bergen, batch(new_uuid_v7(), rb))->status == 200);
  }
  const auto form = dir.file("form.json");
  {
    std::ofstream f(form);
    f << R"({"id":"case","version":2,"title":{"en":"Case"},)"
         R"("fields":[{"name":"answer","type":"text","required":true,"label":{"en":"Answer"}}]})";
  }
  // A valid new version of the case form, published to every centre: the publish check accepts it.
  auto published = run_cli({"publish", "--db", db, "--kind", "form", "--file", form});
  REQUIRE(published.exit_code == 0);
  const auto form_record = json::parse(published.out)["record_id"].get<std::string>();

  std::multiset<std::string> seen;
  std::string cursor = "0";
  int pages = 0;
  for (;;) {
    auto res = c.Get(("/v1/pull?since=" + cursor + "&limit=11").c_str(), oslo.auth());
    REQUIRE(res);
    REQUIRE(res->status == 200);
    auto page = protocol::parse_pull_response(json::parse(res->body));
    REQUIRE(page.has_value());
    for (const auto& e : page->records) {
      CHECK((e.centre == "OSLO" || e.centre == "_all"));
      seen.insert(e.id);
    }
    cursor = page->cursor;
    ++pages;
    REQUIRE(pages < 100);
    if (!page->more) break;
  }
  CHECK(seen.size() == oslo_ids.size() + 1);
  CHECK(seen.count(form_record) == 1);  // the device's pull delivers the published form
  for (const auto& id : oslo_ids) CHECK(seen.count(id) == 1);

  auto other = c.Get("/v1/pull?since=0&centre=BERGEN", oslo.auth());
  REQUIRE(other);
  CHECK(other->status == 403);
  CHECK(json::parse(other->body)["error"]["code"] == "forbidden");

  // The server now validates records of the new form version against it: an answer is
  // accepted, a record without the required answer is refused.
  const std::string good = new_uuid_v7(), bad = new_uuid_v7();
  json records = json::array({record(good, "case", "OSLO", Version{Hlc{now_ms(), 0}, oslo.device_id}, {{"answer", "yes"}}),
                              record(bad, "case", "OSLO", Version{Hlc{now_ms(), 0}, oslo.device_id}, {{"other", "x"}})});
  for (auto& r : records) r["schema_version"] = 2;
  auto res = push(c, oslo, batch(new_uuid_v7(), records));
  REQUIRE(res);
  REQUIRE(res->status == 200);
  auto reply = protocol::parse_push_response(json::parse(res->body));
  REQUIRE(reply);
  REQUIRE(reply->results.size() == 2);
  for (const auto& r : reply->results) {
    CHECK(r.status == (r.id == good ? protocol::RecordStatus::Applied : protocol::RecordStatus::Rejected));
    if (r.id == bad) CHECK(r.error.find("answer") != std::string::npos);
  }
}

TEST_CASE("gzip request and response bodies work") {
  TempDir dir;
  const auto db = dir.file("s.db");
  ServerProcess server(db, dir.file("server.log"));
  Kiosk k = enroll(db, server, "OSLO");
  auto c = server.client();
  c.set_compress(true);
  c.set_decompress(true);
  json records = json::array();
  for (int i = 0; i < 50; ++i) {
    records.push_back(record(new_uuid_v7(), "intake", "OSLO", Version{Hlc{now_ms(), 0}, k.device_id},
                             {{"notes", std::string(500, 'a' + i % 26)}}));
  }
  auto res = push(c, k, batch(new_uuid_v7(), records));
  REQUIRE(res);
  CHECK(res->status == 200);
  auto pulled = c.Get("/v1/pull?since=0&limit=1000", k.auth());
  REQUIRE(pulled);
  CHECK(pulled->status == 200);
  CHECK(protocol::parse_pull_response(json::parse(pulled->body))->records.size() == 50);
  CHECK(db_count(db, "SELECT COUNT(*) FROM records") == 50);
}

// The server keeps push bodies' memory for the next push (reuse_pool.hpp): whatever a body
// leaves behind must not reach the next one, however their sizes, encodings and fates differ.
TEST_CASE("pushes of every size and fate in a row, on one connection, are each read alone") {
  TempDir dir;
  const auto db = dir.file("s.db");
  ServerProcess server(db, dir.file("server.log"));
  Kiosk k = enroll(db, server, "OSLO");
  auto c = server.client();
  auto intakes = [&](int count, char letter) {
    json records = json::array();
    for (int i = 0; i < count; ++i) {
      records.push_back(record(new_uuid_v7(), "intake", "OSLO", Version{Hlc{now_ms(), 0}, k.device_id},
                               {{"notes", std::string(400, letter)}}));
    }
    return records;
  };
  auto applied = [](const httplib::Result& res, std::size_t count) {
    REQUIRE(res);
    REQUIRE(res->status == 200);
    auto reply = protocol::parse_push_response(json::parse(res->body));
    REQUIRE(reply.has_value());
    CHECK(reply->results.size() == count);
    for (const auto& r : reply->results) CHECK(r.status == protocol::RecordStatus::Applied);
  };

  const std::string large = batch(new_uuid_v7(), intakes(300, 'a'));
  auto first = push(c, k, large);
  applied(first, 300);
  applied(push(c, k, batch(new_uuid_v7(), intakes(3, 'b'))), 3);

  // Shorter than both bodies before it, and cut off inside the records.
  const std::string cut = batch(new_uuid_v7(), intakes(2, 'c')).substr(0, 200);
  auto refused = push(c, k, cut);
  REQUIRE(refused);
  CHECK(refused->status == 400);
  CHECK(json::parse(refused->body)["error"]["code"] == "invalid_json");

  // Compressed: no length to reserve, the kept memory is filled chunk by chunk.
  httplib::Client zipped = server.client();
  zipped.set_compress(true);
  applied(push(zipped, k, batch(new_uuid_v7(), intakes(5, 'd'))), 5);
  applied(push(c, k, batch(new_uuid_v7(), intakes(1, 'e'))), 1);

  // Sealed items, as kiosks that know the server's key push: the sealed bytes read into a kept
  // buffer and opened into another, between plain bodies on the same connection.
  const std::string key = push_seal::decode_key(first->get_header_value(push_seal::kSealKeyHeader));
  REQUIRE(key.size() == 32);
  auto sealed_push = [&](const json& records) {
    std::vector<std::string> items;
    for (const auto& r : records) items.push_back(push_seal::seal_item(key, k.device_id, r.dump()).value());
    const auto body = push_seal::items_body(new_uuid_v7(), std::vector<std::string_view>(items.begin(), items.end()));
    REQUIRE(body);
    return c.Post(protocol::kRoutePush, k.auth(), *body, push_seal::kContentType);
  };
  applied(sealed_push(intakes(200, 'f')), 200);
  applied(sealed_push(intakes(2, 'g')), 2);
  applied(push(c, k, batch(new_uuid_v7(), intakes(1, 'h'))), 1);

  // The large batch again is a replay with the first reply, word for word.
  auto again = push(c, k, large);
  REQUIRE(again);
  CHECK(again->status == 200);
  CHECK(again->body == first->body);

  CHECK(db_count(db, "SELECT COUNT(*) FROM records") == 512);
  CHECK(db_count(db, "SELECT COUNT(*) FROM batches") == 7);
  const std::map<char, std::int64_t> stored = {{'a', 300}, {'b', 3}, {'d', 5}, {'e', 1}, {'f', 200}, {'g', 2}, {'h', 1}};
  for (const auto& [letter, count] : stored) {
    CAPTURE(letter);
    const std::string notes = std::string(400, letter);
    CHECK(db_count(db, "SELECT COUNT(*) FROM records WHERE payload = '{\"notes\":\"" + notes + "\"}'") == count);
  }
}

namespace {

struct ServerThread {
  std::string name;
  int nice = 0;
  bool main = false;
};

// Each thread of process `pid` with its name and nice value (/proc/PID/task/TID/{comm,stat}).
std::vector<ServerThread> server_threads(pid_t pid) {
  std::vector<ServerThread> threads;
  const std::filesystem::path tasks = "/proc/" + std::to_string(pid) + "/task";
  for (const auto& task : std::filesystem::directory_iterator(tasks)) {
    ServerThread t;
    std::ifstream(task.path() / "comm") >> t.name;
    std::ifstream stat_file(task.path() / "stat");
    const std::string stat((std::istreambuf_iterator<char>(stat_file)), std::istreambuf_iterator<char>());
    const auto paren = stat.rfind(')');  // the name may hold spaces
    if (paren == std::string::npos) continue;
    std::istringstream fields(stat.substr(paren + 2));
    std::string field;
    for (int i = 3; i <= 19 && fields >> field; ++i) {
      if (i == 19) t.nice = std::stoi(field);
    }
    t.main = task.path().filename() == std::to_string(pid);
    threads.push_back(t);
  }
  return threads;
}

}  // namespace

TEST_CASE("the writer keeps the server's priority while the threads that read and checked a push run below it") {
  TempDir dir;
  const auto db = dir.file("s.db");
  ServerProcess server(db, dir.file("server.log"));
  Kiosk k = enroll(db, server, "OSLO");
  const json records = numbered_intakes(k, 10);
  auto c = server.client();
  auto res = push(c, k, batch(new_uuid_v7(), records));
  REQUIRE(res);
  REQUIRE(res->status == 200);

  const auto threads = server_threads(server.pid());
  int main_nice = 100, writers = 0, writer_nice = 100, lowered = 0;
  for (const auto& t : threads) {
    if (t.main) main_nice = t.nice;
    if (t.name == "ws-writer") {
      ++writers;
      writer_nice = t.nice;
    }
  }
  REQUIRE(main_nice != 100);
  // A server started at the lowest priority (nice 19: a test run under `nice -n 19`) has no
  // level left below it.
  const bool can_lower = main_nice < 19;
  for (const auto& t : threads) {
    CAPTURE(t.name);
    if (t.name == "ws-check" && can_lower) CHECK(t.nice > main_nice);  // the check pool's helpers
    if (t.name != "ws-check" && t.nice > main_nice) ++lowered;
  }
  CHECK(writers == 1);
  CHECK(writer_nice == main_nice);
  if (can_lower) CHECK(lowered >= 1);  // the request thread that read and checked the batch
}

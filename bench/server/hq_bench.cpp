// The HQ console's read side at scale: loads N records (default 1,000,000) over 20 centres
// through the real ingest (one Ingest::push per 500-record batch, as kiosks send them: one
// transaction each), then measures through the real HTTP routes on loopback (gate, session,
// JSON): GET /overview p95, GET /cases p95 over a mix of name (Latin and Arabic script),
// case-number and filter queries, and GET /export?format=csv of everything in MB/s with the
// process's RSS growth while it streams. Records are fictional (tests/support/records.hpp).
//
//   hq_bench [--records 1000000] [--centres 20] [--queries 200] [--dir /tmp] [--allow-busy]
//            [--db FILE] [--save-export FILE] [--load-only] [--without TRIGGERS]
//
// --db keeps the loaded database in FILE and reuses it when FILE exists (the load takes minutes
// at full size; its --records/--centres must match). --save-export writes the export's bytes to
// FILE, so two builds' exports can be compared byte for byte. --load-only stops after the load;
// --without all drops the trigger that counts replaced versions for the overview's daily counts
// before loading, to measure what it costs ingest like for like (since schema 15 no trigger
// keeps the case index: the writer does, case_index_rows.hpp).
//
// Targets (issue #13): overview p95 < 100 ms, search p95 < 50 ms, export >= 50 MB/s with RSS
// growth < 50 MB.
#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <sys/resource.h>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "sync-server/core/database.hpp"
#include "sync-server/core/devices.hpp"
#include "sync-server/core/form_validation.hpp"
#include "sync-server/core/ingest.hpp"
#include "sync-server/core/users.hpp"
#include "sync-server/http/hq/console.hpp"
#include "sync-server/http/routes.hpp"
#include "bench/bench_common.hpp"
#include "tests/support/records.hpp"
#include "ws/ids.hpp"

using Clock = std::chrono::steady_clock;
using nlohmann::json;

namespace {

struct Options {
  long records = 1'000'000;
  int centres = 20;
  int queries = 200;
  std::string dir = std::filesystem::temp_directory_path().string();
  std::string db;           // keep and reuse this database file
  std::string save_export;  // write the export's bytes here
  bool allow_busy = false;
  bool load_only = false;
  std::string without;  // "" or "all"
};

// Drops triggers on `records` before the load, so their cost shows against the same run with them.
bool drop_triggers(ws::server::Database& db, const std::string& which) {
  // New rows are counted by the writer since schema 14, the case index kept by it since 15.
  if (which != "all") return false;
  auto lease = db.acquire();
  return lease && (*lease)->exec("DROP TRIGGER record_counts_update;");
}

constexpr int kBatch = 500;  // records per push, as kiosks send them
const char* kLatin[] = {"Ahmad", "Zahra", "Karimi", "Rezai", "Nur", "Amina", "Yusuf", "Hassan", "Fatima", "Omar",
                        "Sara", "Mohammadi", "Haidari", "Tesfaye", "Abdi", "Olena"};
const char* kNative[] = {"احمد", "زهرا", "کریمی", "رضایی", "نور", "امینه", "یوسف", "حسن", "فاطمه", "عمر",
                         "سارا", "محمدی", "حیدری", "ተስፋዬ", "عبدی", "Олена"};
const char* kStatus[] = {"open", "considering", "will_apply", "declined", "closed"};

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

// User + system CPU seconds of the whole process (server and client threads): on a busy machine
// the wall time mostly measures waiting for a core, this what the work costs.
double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

long rss_kb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return 0;
}

std::string centre_code(int c) { return "C" + std::to_string(100 + c); }

// One case header and its intake interview per case: two records.
json case_pair(int n, const std::string& centre, const ws::Version& v, std::mt19937& rng) {
  const std::string id = ws::new_uuid_v7();
  json c = ws::test::case_answers(n);
  const auto a = rng() % 16, b = rng() % 16;
  c["case_number"] = centre + "-" + std::to_string(n);
  c["name_latin"] = std::string(kLatin[a]) + " " + kLatin[b];
  c["name_native"] = std::string(kNative[a]) + " " + kNative[b];
  c["status"] = kStatus[rng() % 5];
  json intake = ws::test::intake_answers(n);
  intake["_case_id"] = id;
  intake["nationality"] = n % 3 ? "Afghanistan" : "Eritrea";
  return json::array({ws::test::record_json(id, "case", centre, v, c),
                      ws::test::record_json(ws::new_uuid_v7(), "intake", centre, v, intake)});
}

bool load(ws::server::Database& db, const Options& o) {
  auto validator = ws::server::make_payload_validator(std::string(WS_SOURCE_ASSETS_DIR) + "/forms");
  if (!validator) return false;
  ws::HlcClock clock;
  ws::server::Ingest ingest(db, **validator, clock);
  ws::server::DeviceRegistry registry(db);
  std::vector<ws::server::Device> devices;
  for (int c = 0; c < o.centres; ++c) {
    auto code = registry.create_code(centre_code(c), 60'000);
    auto e = code ? registry.enroll(code->code, "bench-" + centre_code(c)) : ws::Result<ws::server::Enrolment>(ws::fail("x", "x"));
    if (!e) return false;
    devices.push_back(e->device);
  }
  std::mt19937 rng(7);
  const auto t0 = Clock::now();
  long done = 0;
  for (int n = 0; done < o.records; ++n) {
    const auto& d = devices[static_cast<std::size_t>(n % o.centres)];
    json records = json::array();
    const ws::Version v{ws::Hlc{ws::HlcClock::system_wall_ms(), 0}, d.id};
    for (int i = 0; i < kBatch / 2; ++i) {
      for (auto& r : case_pair(n * kBatch + i, d.centre, v, rng)) records.push_back(std::move(r));
    }
    auto r = ingest.push(d, json{{"batch_id", ws::new_uuid_v7()}, {"records", std::move(records)}});
    if (!r) {
      std::fprintf(stderr, "push failed: %s\n", r.error().message.c_str());
      return false;
    }
    done += kBatch;
    if (done % 100'000 == 0) std::printf("  loaded %ld records (%.0f records/s)\n", done, done / (ms_since(t0) / 1000));
  }
  std::printf("load: %ld records over %d centres in %.1f s (%.0f records/s)\n", done, o.centres, ms_since(t0) / 1000,
              done / (ms_since(t0) / 1000));
  return true;
}

struct Timed {
  std::vector<double> ms;
  void report(const char* what, double target_ms) const {
    const double p95 = percentile(ms, 0.95);
    std::printf("%-10s n=%zu p50 %.1f ms  p95 %.1f ms  (target p95 < %.0f ms: %s)\n", what, ms.size(),
                percentile(ms, 0.5), p95, target_ms, p95 < target_ms ? "met" : "NOT met");
  }
};

std::string percent_encoded(const std::string& s) {
  static const char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c)) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::vector<std::string> search_mix(const Options& o, std::mt19937& rng) {
  std::vector<std::string> out;
  for (int i = 0; i < o.queries; ++i) {
    const int centre = static_cast<int>(rng() % static_cast<unsigned>(o.centres));
    switch (i % 5) {
      case 0: out.push_back(std::string("/cases?q=") + kLatin[rng() % 16]); break;
      case 1: out.push_back("/cases?q=" + percent_encoded(std::string(kNative[rng() % 13]) + " " + kNative[rng() % 13])); break;
      case 2: out.push_back("/cases?case_number=" + centre_code(centre) + "-" + std::to_string(rng() % 5000)); break;
      case 3: out.push_back("/cases?centre=" + centre_code(centre) + "&status=" + kStatus[rng() % 5] + "&sort=name&order=asc"); break;
      default: out.push_back(std::string("/cases?nationality=Eritrea&q=") + kLatin[rng() % 16] + "&page=2"); break;
    }
  }
  return out;
}

void remove_database(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
}

// The query shapes behind the tail: the slowest queries, names shown as their shape only.
void report_slowest(std::vector<std::pair<double, std::string>> timed) {
  std::sort(timed.begin(), timed.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::printf("  slowest searches:\n");
  for (std::size_t i = 0; i < std::min<std::size_t>(8, timed.size()); ++i)
    std::printf("    %7.1f ms  %s\n", timed[i].first, timed[i].second.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--allow-busy" || std::string(argv[i]) == "--load-only") {
      (std::string(argv[i]) == "--allow-busy" ? o.allow_busy : o.load_only) = true;
      continue;
    }
    if (i + 1 >= argc) return 2;
    const std::string a = argv[i], v = argv[++i];
    if (a == "--records") o.records = std::stol(v);
    else if (a == "--centres") o.centres = std::stoi(v);
    else if (a == "--queries") o.queries = std::stoi(v);
    else if (a == "--dir") o.dir = v;
    else if (a == "--db") o.db = v;
    else if (a == "--save-export") o.save_export = v;
    else if (a == "--without") o.without = v;
    else {
      std::fprintf(stderr, "usage: hq_bench [--records N] [--centres N] [--queries N] [--dir DIR] [--db FILE]"
                           " [--save-export FILE] [--allow-busy] [--load-only] [--without all]\n");
      return 2;
    }
  }
  ws::bench::check_load(o.allow_busy);
  const std::string path = o.db.empty() ? o.dir + "/hq_bench-" + ws::new_uuid_v7() + ".db" : o.db;
  const bool reuse = !o.db.empty() && std::filesystem::exists(path);
  int rc = 1;
  {
    auto db = ws::server::Database::open(path, ws::server::DatabaseOptions{true, std::chrono::milliseconds(250), false});
    if (!db) return 1;
    if (!o.without.empty() && !drop_triggers(**db, o.without)) return 2;
    if (reuse) std::printf("load: reusing %s\n", path.c_str());
    else if (!load(**db, o)) return 1;
    if (o.load_only) {
      db->reset();
      if (o.db.empty()) remove_database(path);
      return 0;
    }
    auto validator = ws::server::make_payload_validator("");
    ws::HlcClock clock;
    httplib::Server http;
    http.set_tcp_nodelay(true);
    ws::server::ApiOptions api_options;
    api_options.log_requests = false;
    ws::server::Api api(**db, **validator, clock, api_options);
    api.install(http);
    ws::server::hq::ConsoleOptions console_options;
    console_options.data.forms_dir = std::string(WS_SOURCE_ASSETS_DIR) + "/forms";
    ws::server::hq::Console console(http, **db, console_options);
    const int port = http.bind_to_any_port("127.0.0.1");
    std::thread server([&] { http.listen_after_bind(); });
    (void)ws::server::add_user(**db, "bench", "viewer", "bench password 123", {});
    httplib::Client client("127.0.0.1", port);
    client.set_tcp_nodelay(true);
    client.set_read_timeout(600);
    auto signed_in = client.Post("/api/hq/v1/sign-in", json{{"name", "bench"}, {"password", "bench password 123"}}.dump(),
                                 "application/json");
    if (signed_in && signed_in->status == 200) {
      const std::string cookie = signed_in->get_header_value("Set-Cookie");
      const httplib::Headers headers{{"Cookie", cookie.substr(0, cookie.find(';'))}};
      auto timed_get = [&](const std::string& p) {
        const auto t0 = Clock::now();
        auto res = client.Get(("/api/hq/v1" + p).c_str(), headers);
        if (!res || res->status != 200) std::fprintf(stderr, "GET %s failed\n", p.c_str());
        return ms_since(t0);
      };
      Timed overview, search;
      for (int i = 0; i < 50; ++i) overview.ms.push_back(timed_get("/overview"));
      std::mt19937 rng(11);
      std::vector<std::pair<double, std::string>> slowest;
      for (const auto& q : search_mix(o, rng)) {
        search.ms.push_back(timed_get(q));
        slowest.emplace_back(search.ms.back(), q);
      }
      overview.report("overview", 100);
      search.report("search", 50);
      report_slowest(slowest);

      const long rss_before = rss_kb();
      std::atomic<long> rss_peak{rss_before};
      std::atomic<bool> streaming{true};
      std::thread sampler([&] {
        while (streaming) {
          rss_peak = std::max(rss_peak.load(), rss_kb());
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
      });
      std::size_t bytes = 0;
      const double cpu0 = cpu_seconds();
      const auto t0 = Clock::now();
      std::ofstream saved;
      if (!o.save_export.empty()) saved.open(o.save_export, std::ios::binary);
      auto res = client.Get("/api/hq/v1/export?format=csv", headers, [&](const char* data, std::size_t n) {
        bytes += n;
        if (saved.is_open()) saved.write(data, static_cast<std::streamsize>(n));
        return true;
      });
      const double seconds = ms_since(t0) / 1000;
      streaming = false;
      sampler.join();
      const double mb = static_cast<double>(bytes) / 1e6, growth = static_cast<double>(rss_peak - rss_before) / 1024;
      std::printf("export    %s %.1f MB in %.2f s = %.1f MB/s (target >= 50: %s); RSS growth %.1f MB (target < 50: %s)\n",
                  res && res->status == 200 ? "ok" : "FAILED", mb, seconds, mb / seconds, mb / seconds >= 50 ? "met" : "NOT met",
                  growth, growth < 50 ? "met" : "NOT met");
      const double cpu = cpu_seconds() - cpu0;
      std::printf("export    CPU %.2f s (server and client) = %.1f MB per CPU-second\n", cpu, cpu > 0 ? mb / cpu : 0);
      rc = 0;
    }
    http.stop();
    server.join();
  }
  if (o.db.empty()) remove_database(path);
  return rc;
}

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "sync-server/core/export_spill.hpp"
#include "tests/support/temp_dir.hpp"

using namespace ws;
using namespace ws::server;

namespace {

// Sets TMPDIR for one test and puts the old value back.
class TmpDirEnv {
 public:
  explicit TmpDirEnv(const std::string& dir) {
    if (const char* old = std::getenv("TMPDIR")) old_ = old, had_ = true;
    setenv("TMPDIR", dir.c_str(), 1);
  }
  ~TmpDirEnv() { had_ ? setenv("TMPDIR", old_.c_str(), 1) : unsetenv("TMPDIR"); }

 private:
  std::string old_;
  bool had_ = false;
};

std::string replayed(Spill& spill, std::size_t* largest = nullptr) {
  std::string out;
  auto s = spill.replay([&](std::string_view piece) {
    if (largest) *largest = std::max(*largest, piece.size());
    out += piece;
    return ok();
  });
  REQUIRE(s.has_value());
  return out;
}

// The bytes of this process's open temporary spill file (unlinked, so only /proc finds it).
std::string open_spill_file_bytes(const std::string& dir) {
  for (const auto& fd : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    const std::string target = std::filesystem::read_symlink(fd.path(), ec).string();
    if (!ec && target.rfind(dir + "/ws-export-", 0) == 0) {
      std::ifstream in(fd.path(), std::ios::binary);
      return std::string(std::istreambuf_iterator<char>(in), {});
    }
  }
  return {};
}

}  // namespace

TEST_CASE("Spill: bytes come back in order, from memory below the limit") {
  Spill spill(1024);
  CHECK(spill.empty());
  REQUIRE(spill.append("Parent,Row\r\n").has_value());
  REQUIRE(spill.append("a,b\r\n").has_value());
  CHECK_FALSE(spill.empty());
  CHECK(replayed(spill) == "Parent,Row\r\na,b\r\n");
  CHECK(spill.empty());
  CHECK(replayed(spill).empty());
}

TEST_CASE("Spill: past the limit the bytes go to an unnamed file, encrypted, and come back whole") {
  test::TempDir dir;
  TmpDirEnv env(dir.path());
  Spill spill(100);
  std::string expected;
  for (int i = 0; expected.size() < 300'000; ++i) {
    const std::string row = "r" + std::to_string(i) + ",Zahra Karimi " + std::string(static_cast<std::size_t>(i % 97), 'x') + "\r\n";
    expected += row;
    REQUIRE(spill.append(row).has_value());
  }
  REQUIRE(spill.append(std::string(200'000, 'y')).has_value());  // one piece larger than a chunk
  expected += std::string(200'000, 'y');

  CHECK(std::filesystem::is_empty(dir.path()));  // unlinked at once: nothing to leave behind
  const std::string on_disk = open_spill_file_bytes(dir.path());
  CHECK(on_disk.size() > expected.size());
  CHECK(on_disk.find("Zahra") == std::string::npos);  // personal data never readable on disk

  std::size_t largest = 0;
  CHECK(replayed(spill, &largest) == expected);
  CHECK(largest <= 64 * 1024);
  CHECK(spill.empty());
  CHECK(open_spill_file_bytes(dir.path()).empty());  // closed after the replay
}

TEST_CASE("Spill: a failure of the reader stops the replay and is passed on") {
  Spill spill(10);
  REQUIRE(spill.append(std::string(200'000, 'z')).has_value());
  int calls = 0;
  auto s = spill.replay([&](std::string_view) -> Status {
    ++calls;
    return fail("aborted", "the reader went away");
  });
  REQUIRE_FALSE(s.has_value());
  CHECK(s.error().code == "aborted");
  CHECK(calls == 1);
}

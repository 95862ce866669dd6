// Every seed of the fuzz corpus and every input that once crashed a target, fed to the same
// entry function the fuzzer runs (tests/fuzz/<name>/corpus, tests/fuzz/regressions/<name>).
// A crash, sanitizer report or broken invariant fails the run; each input must be handled.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tests/fuzz/fuzz.hpp"

namespace {

namespace fs = std::filesystem;
using Entry = int (*)(const std::uint8_t*, std::size_t);

std::vector<fs::path> inputs_of(const std::string& folder) {
  std::vector<fs::path> out;
  const fs::path dir = fs::path(WS_FUZZ_DIR) / folder;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file()) out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Returns how many inputs ran, so a test can insist that its corpus is not empty.
std::size_t feed(Entry entry, const std::string& folder) {
  std::size_t count = 0;
  for (const auto& path : inputs_of(folder)) {
    INFO(path.filename().string());
    const std::string bytes = read_all(path);
    CHECK(entry(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()) == 0);
    ++count;
  }
  return count;
}

void run_target(Entry entry, const std::string& name) {
  CHECK(feed(entry, name + "/corpus") > 0);
  feed(entry, "regressions/" + name);
}

}  // namespace

TEST_CASE("push_body: corpus and regressions") { run_target(ws::fuzz::push_body, "push_body"); }
TEST_CASE("json_split: corpus and regressions") { run_target(ws::fuzz::json_split, "json_split"); }
TEST_CASE("form_definition: corpus and regressions") { run_target(ws::fuzz::form_definition, "form_definition"); }
TEST_CASE("form_answers: corpus and regressions") { run_target(ws::fuzz::form_answers, "form_answers"); }
TEST_CASE("expression: corpus and regressions") { run_target(ws::fuzz::expression, "expression"); }
TEST_CASE("content_bundle: corpus and regressions") { run_target(ws::fuzz::content_bundle, "content_bundle"); }
TEST_CASE("publish: corpus and regressions") { run_target(ws::fuzz::publish, "publish"); }
TEST_CASE("pull_reply: corpus and regressions") { run_target(ws::fuzz::pull_reply, "pull_reply"); }
TEST_CASE("sealed_push: corpus and regressions") { run_target(ws::fuzz::sealed_push, "sealed_push"); }

#pragma once
// The one temporary directory for tests and benchmarks: each test gets a fresh, private folder
// that is gone afterwards, also when the test fails. Header-only and free of doctest, so the
// benchmarks (which reuse the end-to-end harness) can use it too.
#include <stdlib.h>  // mkdtemp (POSIX)

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <utility>

namespace ws::test {

class TempDir {
 public:
  // `prefix` only makes leftovers easy to attribute; mkdtemp adds the unique part.
  explicit TempDir(const std::string& prefix = "ws-test-") {
    std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "XXXXXX")).string();
    if (!mkdtemp(pattern.data())) {
      throw std::runtime_error("mkdtemp failed for " + pattern + ": " + std::strerror(errno));
    }
    path_ = std::move(pattern);
  }
  ~TempDir() {
    // WS_KEEP_TEST_DIRS=1 keeps databases and logs for a post-mortem.
    if (std::getenv("WS_KEEP_TEST_DIRS")) return;
    std::error_code ec;  // a destructor must not throw; a leftover folder is harmless
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::filesystem::path fs_path() const { return path_; }
  std::string file(const std::string& name) const { return (fs_path() / name).string(); }
  // The older name of file(): the kiosk tests and the benchmarks (via the e2e harness) use it.
  std::string sub(const std::string& name) const { return file(name); }

  void write(const std::string& name, const std::string& text) const {
    std::ofstream out(fs_path() / name, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + file(name));
  }

 private:
  std::string path_;
};

}  // namespace ws::test

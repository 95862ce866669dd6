// A really full file system: the kiosk's data folder on a small tmpfs filled to zero bytes
// free. Reading (status, list) works, a save fails naming the cause, and sync still sends every
// pending record to the real server (the space reserve pays for the push's bookkeeping).
// Mounting needs root; CI runs as root, elsewhere the test says so and is skipped.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>
#include <string>

#include "kiosk/core/store/reserve.hpp"
#include "tests/e2e/kiosk/harness.hpp"

using namespace ws::e2e;

namespace {

// A tmpfs mounted on a folder of the test's own; unmounted whatever happens.
class TmpfsMount {
 public:
  TmpfsMount(std::string path, const std::string& size) : path_(std::move(path)) {
    std::filesystem::create_directories(path_);
    const std::string data = "size=" + size + ",mode=0700";
    mounted_ = ::mount("tmpfs", path_.c_str(), "tmpfs", 0, data.c_str()) == 0;
    if (!mounted_) error_ = std::strerror(errno);
  }
  ~TmpfsMount() {
    if (mounted_) ::umount2(path_.c_str(), MNT_DETACH);
  }
  TmpfsMount(const TmpfsMount&) = delete;
  TmpfsMount& operator=(const TmpfsMount&) = delete;
  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  bool mounted_ = false;
  std::string error_;
};

long long free_bytes(const std::string& path) {
  struct statvfs fs {};
  REQUIRE(::statvfs(path.c_str(), &fs) == 0);
  return static_cast<long long>(fs.f_bavail) * static_cast<long long>(fs.f_frsize);
}

// Writes FILE until the file system refuses even one more byte.
void fill_to_zero(const std::string& file) {
  const int fd = ::open(file.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
  REQUIRE(fd >= 0);
  const std::string chunk(1 << 20, '\0');
  for (std::size_t size = chunk.size(); size > 0; size /= 2) {
    while (::write(fd, chunk.data(), size) == static_cast<ssize_t>(size)) {
    }
  }
  ::close(fd);
}

std::set<std::string> ids_of(const nlohmann::json& records) {
  std::set<std::string> ids;
  for (const auto& r : records) ids.insert(r["id"].get<std::string>());
  return ids;
}

}  // namespace

TEST_CASE("a data folder with zero bytes free: status and list work, a save fails in words, sync sends everything") {
  if (::geteuid() != 0) {
    MESSAGE("this test needs root (it mounts a small tmpfs); skipped. CI runs it as root.");
    return;
  }
  TempDir dir;
  Server server(dir.sub("server.db"));
  server.start();
  TmpfsMount disk(dir.sub("disk"), "32m");
  REQUIRE_MESSAGE(disk.mounted(), "mount -t tmpfs failed: " << disk.error());

  Kiosk k{disk.path() + "/k"};
  k.enroll(server, "OSLO");
  std::set<std::string> ids;
  for (int i = 0; i < 20; ++i) ids.insert(k.add("intake", intake(i), dir.path()));
  REQUIRE(ws::kiosk::reserve::present(k.data_dir));
  write_file(dir.sub("one.json"), intake(100).dump());

  fill_to_zero(disk.path() + "/filler");
  REQUIRE(free_bytes(disk.path()) == 0);

  auto status = k.cli({"status", "--json"});
  REQUIRE_MESSAGE(status.code == 0, status.err);
  const auto st = nlohmann::json::parse(status.out);
  CHECK(st["pending"] == 20);
  CHECK(st["disk_full"] == true);
  auto listed = k.cli({"list", "--kind", "intake", "--json"});
  REQUIRE_MESSAGE(listed.code == 0, listed.err);
  CHECK(ids_of(nlohmann::json::parse(listed.out)) == ids);

  auto added = k.cli({"add", "--kind", "intake", "--json", dir.sub("one.json")});
  CHECK(added.code == 1);
  CHECK_MESSAGE(added.err.find("the data folder is full") != std::string::npos, added.err);

  auto synced = k.cli({"sync", "--json"});
  CHECK_MESSAGE(synced.code == 0, synced.err);
  std::set<std::string> on_server;
  for (const auto& r : server.export_records("intake")) on_server.insert(r["id"].get<std::string>());
  CHECK(on_server == ids);
  CHECK_FALSE(ws::kiosk::reserve::present(k.data_dir));  // the sync spent it
  auto after = k.cli({"status", "--json"});
  REQUIRE_MESSAGE(after.code == 0, after.err);
  CHECK(nlohmann::json::parse(after.out)["pending"] == 0);

  // Space comes back: the reserve is made again and saving works.
  std::filesystem::remove(disk.path() + "/filler");
  CHECK(k.cli({"status"}).code == 0);
  CHECK(ws::kiosk::reserve::present(k.data_dir));
  CHECK(k.cli({"add", "--kind", "intake", "--json", dir.sub("one.json")}).code == 0);
}

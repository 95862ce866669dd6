#include "kiosk/core/store/reserve.hpp"

#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace ws::kiosk::reserve {

std::string path(const std::string& data_dir) { return (std::filesystem::path(data_dir) / "space-reserve").string(); }

bool present(const std::string& data_dir) { return ::access(path(data_dir).c_str(), F_OK) == 0; }

Status ensure(const std::string& data_dir, std::int64_t bytes) {
  if (present(data_dir)) return ok();
  struct statvfs fs {};
  if (::statvfs(data_dir.c_str(), &fs) != 0) return fail("io_error", std::string("statvfs: ") + std::strerror(errno));
  const auto free_bytes = static_cast<std::int64_t>(fs.f_bavail) * static_cast<std::int64_t>(fs.f_frsize);
  if (free_bytes < 2 * bytes) return fail("disk_full", "not enough free space for the reserve yet");
  const std::string file = path(data_dir);
  const int fd = ::open(file.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0) return fail("io_error", std::string("cannot create the reserve: ") + std::strerror(errno));
  // posix_fallocate really allocates blocks (a sparse file would hold nothing back).
  const int rc = ::posix_fallocate(fd, 0, bytes);
  const bool synced = rc == 0 && ::fsync(fd) == 0;
  ::close(fd);
  if (!synced) {
    ::unlink(file.c_str());
    return fail("disk_full", std::string("cannot allocate the reserve: ") + std::strerror(rc ? rc : errno));
  }
  return ok();
}

bool release(const std::string& data_dir) { return ::unlink(path(data_dir).c_str()) == 0; }

bool is_out_of_space(const Error& e) {
  return e.code == "disk_full" || e.message.find("disk I/O error") != std::string::npos ||
         e.message.find("database or disk is full") != std::string::npos;
}

}  // namespace ws::kiosk::reserve

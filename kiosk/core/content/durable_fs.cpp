#include "kiosk/core/content/durable_fs.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "ws/ids.hpp"

namespace ws::kiosk::content {
namespace {
Unexpected io_error(const std::string& what) {
  return fail("io_error", what + ": " + std::strerror(errno));
}
std::string parent_of(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}
}  // namespace

Status make_directories(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return fail("io_error", "cannot create " + dir + ": " + ec.message());
  return ok();
}

Status write_file_durably(const std::string& path, std::string_view bytes) {
  if (auto st = make_directories(parent_of(path)); !st) return st;
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return io_error("cannot create " + path);
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      auto err = io_error("cannot write " + path);
      ::close(fd);
      return err;
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    auto err = io_error("cannot flush " + path);
    ::close(fd);
    return err;
  }
  if (::close(fd) != 0) return io_error("cannot close " + path);
  return ok();
}

Status fsync_directory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return io_error("cannot open " + dir);
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return io_error("cannot flush " + dir);
  return ok();
}

Status replace_symlink(const std::string& link, const std::string& target) {
  const std::string temp = link + ".tmp-" + new_uuid_v7();
  if (::symlink(target.c_str(), temp.c_str()) != 0) return io_error("cannot create link " + temp);
  if (::rename(temp.c_str(), link.c_str()) != 0) {
    auto err = io_error("cannot switch " + link);
    ::unlink(temp.c_str());
    return err;
  }
  return fsync_directory(parent_of(link));
}

std::string read_symlink(const std::string& link) {
  char buf[4096];
  const ssize_t n = ::readlink(link.c_str(), buf, sizeof buf - 1);
  if (n <= 0) return {};
  return std::string(buf, static_cast<std::size_t>(n));
}

Status remove_tree(const std::string& path) {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
  if (ec) return fail("io_error", "cannot remove " + path + ": " + ec.message());
  return ok();
}

std::vector<std::string> list_directory(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = ::opendir(dir.c_str());
  if (!d) return names;
  while (dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  ::closedir(d);
  return names;
}

}  // namespace ws::kiosk::content

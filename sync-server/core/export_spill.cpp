#include "sync-server/core/export_spill.hpp"

#include <sodium.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace ws::server {
namespace {

constexpr std::size_t kPiece = 64 * 1024;

Status io_failed(const char* what) { return fail("io_error", std::string("export spill file: ") + what + ": " + std::strerror(errno)); }

bool write_full(int fd, const unsigned char* p, std::size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

bool read_full(int fd, unsigned char* p, std::size_t n) {
  while (n > 0) {
    const ssize_t r = ::read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= static_cast<std::size_t>(r);
  }
  return true;
}

// Each piece has its own nonce: its number in the file.
void nonce_of(std::uint64_t piece, unsigned char (&nonce)[crypto_stream_xchacha20_NONCEBYTES]) {
  std::memset(nonce, 0, sizeof nonce);
  for (int i = 0; i < 8; ++i) nonce[i] = static_cast<unsigned char>(piece >> (8 * i));
}

}  // namespace

Spill::Spill(std::size_t memory_limit) : memory_limit_(memory_limit) {}

Spill::~Spill() {
  if (fd_ >= 0) ::close(fd_);
  sodium_memzero(key_, sizeof key_);
}

Status Spill::open_file() {
  if (sodium_init() < 0) return fail("internal", "libsodium could not start");
  const char* dir = std::getenv("TMPDIR");
  std::string path = std::string(dir && *dir ? dir : "/tmp") + "/ws-export-XXXXXX";
  fd_ = ::mkstemp(path.data());
  if (fd_ < 0) return io_failed("create");
  ::unlink(path.c_str());  // unnamed from now on: gone when closed, whatever happens
  crypto_stream_xchacha20_keygen(key_);
  return ok();
}

Status Spill::write_sealed(std::string_view bytes) {
  std::vector<unsigned char> sealed;
  for (std::size_t at = 0; at < bytes.size(); at += kPiece) {
    const std::size_t n = std::min(kPiece, bytes.size() - at);
    sealed.resize(4 + n);
    for (int i = 0; i < 4; ++i) sealed[static_cast<std::size_t>(i)] = static_cast<unsigned char>(n >> (8 * i));
    unsigned char nonce[crypto_stream_xchacha20_NONCEBYTES];
    nonce_of(pieces_++, nonce);
    crypto_stream_xchacha20_xor(sealed.data() + 4, reinterpret_cast<const unsigned char*>(bytes.data() + at), n, nonce,
                                key_);
    if (!write_full(fd_, sealed.data(), sealed.size())) return io_failed("write");
  }
  return ok();
}

Status Spill::append(std::string_view bytes) {
  if (fd_ < 0 && memory_.size() + bytes.size() <= memory_limit_) {
    memory_ += bytes;
    return ok();
  }
  if (fd_ < 0) {
    if (auto s = open_file(); !s) return s;
    if (auto s = write_sealed(memory_); !s) return s;
    std::string().swap(memory_);
  }
  return write_sealed(bytes);
}

Status Spill::replay(const std::function<Status(std::string_view)>& each) {
  if (fd_ < 0) {
    Status s = ok();
    for (std::size_t at = 0; s && at < memory_.size(); at += kPiece) s = each(std::string_view(memory_).substr(at, kPiece));
    std::string().swap(memory_);
    return s;
  }
  if (::lseek(fd_, 0, SEEK_SET) != 0) return io_failed("seek");
  std::vector<unsigned char> piece;
  for (std::uint64_t i = 0; i < pieces_; ++i) {
    unsigned char size[4];
    if (!read_full(fd_, size, sizeof size)) return io_failed("read");
    const std::size_t n = size[0] | size[1] << 8 | size[2] << 16 | static_cast<std::size_t>(size[3]) << 24;
    if (n > kPiece) return fail("io_error", "export spill file: a piece has a bad size");
    piece.resize(n);
    if (!read_full(fd_, piece.data(), n)) return io_failed("read");
    unsigned char nonce[crypto_stream_xchacha20_NONCEBYTES];
    nonce_of(i, nonce);
    crypto_stream_xchacha20_xor(piece.data(), piece.data(), n, nonce, key_);
    if (auto s = each(std::string_view(reinterpret_cast<const char*>(piece.data()), n)); !s) return s;
  }
  ::close(fd_);
  fd_ = -1;
  pieces_ = 0;
  sodium_memzero(piece.data(), piece.size());
  return ok();
}

}  // namespace ws::server

#pragma once
// Bytes held back while another ZIP entry is being written, so the export reads each record
// once and still writes its files one after the other (a repeat group's rows are made in the
// same pass as their parent's row, but their file follows the parent's file).
//
// Memory stays flat: up to `memory_limit` bytes are kept in memory, the rest goes to an
// unnamed temporary file (in $TMPDIR, else /tmp; unlinked as soon as it is made, so nothing is
// left behind even after a crash). What goes to the file is encrypted (XChaCha20) with a key
// that exists only in this object: the rows hold personal data, and a temporary file must not
// leave them readable on a disk.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "ws/result.hpp"

namespace ws::server {

class Spill {
 public:
  static constexpr std::size_t kDefaultMemoryLimit = 4 * 1024 * 1024;

  explicit Spill(std::size_t memory_limit = kDefaultMemoryLimit);
  ~Spill();
  Spill(const Spill&) = delete;
  Spill& operator=(const Spill&) = delete;

  // Keeps `bytes` after those appended before. Errors: "io_error".
  Status append(std::string_view bytes);
  // Hands every byte appended, in order, to `each` in pieces of at most ~64 KiB, then forgets
  // them. Stops at the first failure of `each`. Errors: "io_error", or those of `each`.
  Status replay(const std::function<Status(std::string_view)>& each);
  bool empty() const { return memory_.empty() && fd_ < 0; }

 private:
  Status open_file();
  Status write_sealed(std::string_view bytes);

  std::size_t memory_limit_;
  std::string memory_;
  int fd_ = -1;
  std::uint64_t pieces_ = 0;  // pieces written to the file; each one's nonce
  unsigned char key_[32] = {};
};

}  // namespace ws::server

#pragma once
// A streaming ZIP writer: entries are stored (no compression; CSV goes out as fast as it is
// made), each followed by a data descriptor with its CRC-32 and sizes, so nothing is buffered
// or sought back to; the central directory comes at the end. No ZIP64: an entry or the whole
// archive must stay below 4 GiB (finish() fails otherwise).
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "ws/result.hpp"

namespace ws::server {

// Takes bytes on their way out; false when the reader went away (the writer then stops).
using ByteSink = std::function<bool(std::string_view)>;

class ZipWriter {
 public:
  explicit ZipWriter(ByteSink out) : out_(std::move(out)) {}
  // Starts an entry (closing the previous one). `name` is UTF-8, with '/' for folders.
  Status begin_entry(const std::string& name);
  Status write(std::string_view data);
  // Closes the last entry and writes the central directory.
  Status finish();

 private:
  struct Entry {
    std::string name;
    std::uint32_t crc = 0;
    std::uint64_t size = 0;
    std::uint64_t offset = 0;
  };
  Status end_entry();
  Status emit(std::string_view bytes);

  ByteSink out_;
  std::vector<Entry> entries_;
  bool open_ = false;
  std::uint64_t written_ = 0;
  std::uint16_t dos_time_ = 0, dos_date_ = 0;
};

}  // namespace ws::server

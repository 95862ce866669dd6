#include "sync-server/core/zip_writer.hpp"

#include <zlib.h>

#include <ctime>

namespace ws::server {
namespace {

constexpr std::uint64_t kLimit = 0xFFFFFFFFull;
constexpr std::uint16_t kFlags = 0x0008 | 0x0800;  // sizes in a data descriptor; UTF-8 names
constexpr std::uint16_t kVersion = 20;             // 2.0: data descriptors

void put16(std::string& s, std::uint16_t v) {
  s += static_cast<char>(v & 0xFF);
  s += static_cast<char>(v >> 8);
}
void put32(std::string& s, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) s += static_cast<char>((v >> (8 * i)) & 0xFF);
}

}  // namespace

Status ZipWriter::emit(std::string_view bytes) {
  if (!out_(bytes)) return fail("aborted", "the reader went away");
  written_ += bytes.size();
  return ok();
}

Status ZipWriter::begin_entry(const std::string& name) {
  if (auto s = end_entry(); !s) return s;
  if (entries_.empty()) {
    const std::time_t now = std::time(nullptr);
    std::tm t{};
    gmtime_r(&now, &t);
    dos_time_ = static_cast<std::uint16_t>((t.tm_hour << 11) | (t.tm_min << 5) | (t.tm_sec / 2));
    dos_date_ = static_cast<std::uint16_t>(((t.tm_year - 80) << 9) | ((t.tm_mon + 1) << 5) | t.tm_mday);
  }
  entries_.push_back(Entry{name, static_cast<std::uint32_t>(crc32(0L, Z_NULL, 0)), 0, written_});
  std::string h;
  put32(h, 0x04034b50);
  put16(h, kVersion);
  put16(h, kFlags);
  put16(h, 0);  // stored
  put16(h, dos_time_);
  put16(h, dos_date_);
  put32(h, 0);  // CRC-32 and sizes follow the data
  put32(h, 0);
  put32(h, 0);
  put16(h, static_cast<std::uint16_t>(name.size()));
  put16(h, 0);
  h += name;
  open_ = true;
  return emit(h);
}

Status ZipWriter::write(std::string_view data) {
  if (!open_) return fail("internal", "no ZIP entry is open");
  Entry& e = entries_.back();
  e.crc = static_cast<std::uint32_t>(
      crc32(e.crc, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size())));
  e.size += data.size();
  return emit(data);
}

Status ZipWriter::end_entry() {
  if (!open_) return ok();
  open_ = false;
  const Entry& e = entries_.back();
  if (e.size > kLimit) return fail("too_large", "an export file passed 4 GiB; narrow the filter");
  std::string d;
  put32(d, 0x08074b50);
  put32(d, e.crc);
  put32(d, static_cast<std::uint32_t>(e.size));
  put32(d, static_cast<std::uint32_t>(e.size));
  return emit(d);
}

Status ZipWriter::finish() {
  if (auto s = end_entry(); !s) return s;
  const std::uint64_t start = written_;
  std::string dir;
  for (const auto& e : entries_) {
    if (e.offset > kLimit) return fail("too_large", "the export passed 4 GiB; narrow the filter");
    put32(dir, 0x02014b50);
    put16(dir, kVersion);
    put16(dir, kVersion);
    put16(dir, kFlags);
    put16(dir, 0);
    put16(dir, dos_time_);
    put16(dir, dos_date_);
    put32(dir, e.crc);
    put32(dir, static_cast<std::uint32_t>(e.size));
    put32(dir, static_cast<std::uint32_t>(e.size));
    put16(dir, static_cast<std::uint16_t>(e.name.size()));
    put16(dir, 0);  // extra
    put16(dir, 0);  // comment
    put16(dir, 0);  // disk
    put16(dir, 0);  // internal attributes
    put32(dir, 0);  // external attributes
    put32(dir, static_cast<std::uint32_t>(e.offset));
    dir += e.name;
  }
  const auto dir_size = dir.size();
  put32(dir, 0x06054b50);
  put16(dir, 0);
  put16(dir, 0);
  put16(dir, static_cast<std::uint16_t>(entries_.size()));
  put16(dir, static_cast<std::uint16_t>(entries_.size()));
  put32(dir, static_cast<std::uint32_t>(dir_size));
  put32(dir, static_cast<std::uint32_t>(start));
  put16(dir, 0);
  return emit(dir);
}

}  // namespace ws::server

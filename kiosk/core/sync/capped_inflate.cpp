#include "kiosk/core/sync/capped_inflate.hpp"

#include <zlib.h>

namespace ws::kiosk {

Result<std::string> inflate_capped(const std::string& compressed, std::size_t cap) {
  z_stream z{};
  if (inflateInit2(&z, 15 + 32) != Z_OK) return fail("network", "the server's reply could not be decompressed");
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  z.avail_in = static_cast<uInt>(compressed.size());
  std::string out;
  char chunk[64 * 1024];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    z.next_out = reinterpret_cast<Bytef*>(chunk);
    z.avail_out = sizeof chunk;
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) break;
    const std::size_t produced = sizeof chunk - z.avail_out;
    if (out.size() + produced > cap) {
      inflateEnd(&z);
      return fail("reply_too_large", "the server's reply inflates to more than " + std::to_string(cap >> 20) +
                                         " MiB, the most a kiosk accepts; it was not read");
    }
    out.append(chunk, produced);
    if (rc == Z_OK && produced == 0 && z.avail_in == 0) break;  // truncated stream
  }
  inflateEnd(&z);
  if (rc != Z_STREAM_END) return fail("network", "the server's reply could not be decompressed");
  return out;
}

}  // namespace ws::kiosk

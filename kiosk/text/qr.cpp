#include "kiosk/text/qr.hpp"

#include <qrencode.h>

namespace ws::kiosk::text {

Result<Bitmap> qr_bitmap(const std::string& payload, int module_px) {
  if (payload.empty() || payload.size() > 1024) return fail("invalid_qr", "QR payload must be 1-1024 bytes");
  if (module_px < 1 || module_px > 64) return fail("invalid_qr", "QR module size must be 1-64 px");
  QRcode* code = QRcode_encodeString(payload.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  if (!code) return fail("invalid_qr", "cannot encode the link as a QR code");
  constexpr int kQuiet = 4;
  const int modules = code->width + 2 * kQuiet;
  Bitmap out;
  out.width = out.height = out.box_width = out.box_height = modules * module_px;
  out.rgba.assign(static_cast<std::size_t>(out.width) * out.height * 4, 255);
  for (int my = 0; my < code->width; ++my) {
    for (int mx = 0; mx < code->width; ++mx) {
      if ((code->data[my * code->width + mx] & 1) == 0) continue;  // bit 0: dark module
      for (int py = 0; py < module_px; ++py) {
        const int y = (my + kQuiet) * module_px + py;
        for (int px = 0; px < module_px; ++px) {
          const int x = (mx + kQuiet) * module_px + px;
          std::uint8_t* p = &out.rgba[(static_cast<std::size_t>(y) * out.width + x) * 4];
          p[0] = p[1] = p[2] = 0;
        }
      }
    }
  }
  QRcode_free(code);
  return out;
}

}  // namespace ws::kiosk::text

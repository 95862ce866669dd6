#pragma once
// QR codes for links on information pages (libqrencode), as opaque black-on-white bitmaps so
// that phone cameras read them on any theme.
#include <string>

#include "kiosk/text/text_spec.hpp"
#include "ws/result.hpp"

namespace ws::kiosk::text {

// `module_px` pixels per module, with the standard 4-module quiet zone around the symbol.
Result<Bitmap> qr_bitmap(const std::string& payload, int module_px);

}  // namespace ws::kiosk::text

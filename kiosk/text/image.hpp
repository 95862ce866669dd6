#pragma once
// Pictures on information pages: PNG files from a content bundle, decoded to straight RGBA.
#include <string>

#include "kiosk/text/text_spec.hpp"
#include "ws/result.hpp"

namespace ws::kiosk::text {

// Refuses files that are not PNG or larger than 4096 px on a side.
Result<Bitmap> load_png(const std::string& path);

}  // namespace ws::kiosk::text

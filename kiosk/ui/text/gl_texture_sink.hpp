#pragma once
// Texture uploads for the shaped-text cache: OpenGL when the window has a context, otherwise
// (headless tests) ids that draw nothing, so the same screens run with and without a GPU.
#include <cstdint>
#include <memory>

#include "kiosk/text/texture_cache.hpp"

namespace ws::kiosk::ui::text {

class GlTextureSink : public ws::kiosk::text::TextureSink {
 public:
  ws::kiosk::text::TextureId upload(const ws::kiosk::text::Bitmap& bitmap) override;
  void release(ws::kiosk::text::TextureId id) override;
};

// GL when a GLFW context is current on this thread, else a CountingTextureSink.
std::unique_ptr<ws::kiosk::text::TextureSink> make_texture_sink();

// Textures uploaded so far by every GlTextureSink: a frame trace mixes it into its hash, since
// new text may reuse a freed texture's id and leave the draw data unchanged.
std::uint64_t texture_uploads();

}  // namespace ws::kiosk::ui::text

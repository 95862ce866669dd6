#include "kiosk/text/layout.hpp"
#include "kiosk/text/layout_impl.hpp"

#include <pango/pangocairo.h>
#include <pango/pangofc-font.h>

#include <algorithm>
#include <cstring>

namespace ws::kiosk::text {
namespace {

constexpr int kMaxBitmapSide = 8192;

// Owns one GObject reference.
template <typename T>
struct GObjectRef {
  T* ptr = nullptr;
  explicit GObjectRef(T* p) : ptr(p) {}
  GObjectRef(const GObjectRef&) = delete;
  GObjectRef& operator=(const GObjectRef&) = delete;
  ~GObjectRef() {
    if (ptr) g_object_unref(ptr);
  }
};

struct Box {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
};

}  // namespace

void premultiplied_argb32_to_straight_rgba(std::uint8_t* pixels, int width, int height, int stride) {
  for (int y = 0; y < height; ++y) {
    std::uint8_t* row = pixels + static_cast<std::size_t>(y) * stride;
    for (int x = 0; x < width; ++x) {
      std::uint32_t p;
      std::memcpy(&p, row + x * 4, 4);
      const std::uint32_t a = p >> 24;
      std::uint32_t r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;
      if (a != 0 && a != 255) {
        r = std::min<std::uint32_t>(255, (r * 255 + a / 2) / a);
        g = std::min<std::uint32_t>(255, (g * 255 + a / 2) / a);
        b = std::min<std::uint32_t>(255, (b * 255 + a / 2) / a);
      }
      row[x * 4 + 0] = static_cast<std::uint8_t>(r);
      row[x * 4 + 1] = static_cast<std::uint8_t>(g);
      row[x * 4 + 2] = static_cast<std::uint8_t>(b);
      row[x * 4 + 3] = static_cast<std::uint8_t>(a);
    }
  }
}

TextLayouter::TextLayouter() : impl_(std::make_unique<Impl>()) {}
TextLayouter::~TextLayouter() = default;

Result<Extents> TextLayouter::measure(const TextSpec& spec) {
  if (auto st = check_spec(spec); !st) return fail(st.error());
  GObjectRef<PangoLayout> layout(impl_->make_layout(spec));
  PangoRectangle logical{};
  pango_layout_get_pixel_extents(layout.ptr, nullptr, &logical);
  Extents e;
  e.width = spec.wrap_width_px > 0 ? spec.wrap_width_px : logical.width;
  e.height = logical.height;
  e.line_count = pango_layout_get_line_count(layout.ptr);
  return e;
}

Result<Bitmap> TextLayouter::render(const TextSpec& spec) {
  if (auto st = check_spec(spec); !st) return fail(st.error());
  GObjectRef<PangoLayout> layout(impl_->make_layout(spec));
  PangoRectangle ink{}, logical{};
  pango_layout_get_pixel_extents(layout.ptr, &ink, &logical);

  const int box_w = spec.wrap_width_px > 0 ? spec.wrap_width_px : std::max(logical.width + logical.x, 0);
  const int box_h = std::max(logical.height + logical.y, 0);
  // The bitmap holds the ink (and a pixel round it), not the whole layout box: a short centred
  // line in a wide box would otherwise be mostly transparent pixels, each one cleared,
  // converted, uploaded and blended on every frame; on a software renderer (llvmpipe) the
  // blending is a large part of a frame. Where the text lands is unchanged: origin_x/y place
  // the box relative to the bitmap.
  Box box{0, 0, 1, 1};
  if (ink.width > 0 && ink.height > 0) box = {ink.x - 1, ink.y - 1, ink.x + ink.width + 1, ink.y + ink.height + 1};
  Bitmap out;
  out.width = std::max(box.x1 - box.x0, 1);
  out.height = std::max(box.y1 - box.y0, 1);
  if (out.width > kMaxBitmapSide || out.height > kMaxBitmapSide)
    return fail("text_too_large", "laid-out text exceeds 8192 px");
  out.origin_x = -box.x0;
  out.origin_y = -box.y0;
  out.box_width = box_w;
  out.box_height = box_h;

  cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, out.width, out.height);
  if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy(surface);
    return fail("render_failed", "cannot allocate a text surface");
  }
  cairo_t* cr = cairo_create(surface);
  cairo_set_source_rgba(cr, spec.color.r / 255.0, spec.color.g / 255.0, spec.color.b / 255.0,
                        spec.color.a / 255.0);
  cairo_move_to(cr, out.origin_x, out.origin_y);
  pango_cairo_show_layout(cr, layout.ptr);
  cairo_destroy(cr);
  cairo_surface_flush(surface);

  const int stride = cairo_image_surface_get_stride(surface);
  std::uint8_t* data = cairo_image_surface_get_data(surface);
  premultiplied_argb32_to_straight_rgba(data, out.width, out.height, stride);
  out.rgba.resize(static_cast<std::size_t>(out.width) * out.height * 4);
  for (int y = 0; y < out.height; ++y)
    std::memcpy(out.rgba.data() + static_cast<std::size_t>(y) * out.width * 4,
                data + static_cast<std::size_t>(y) * stride, static_cast<std::size_t>(out.width) * 4);
  cairo_surface_destroy(surface);
  return out;
}

Result<std::vector<ShapedRun>> TextLayouter::shape(const TextSpec& spec) {
  if (auto st = check_spec(spec); !st) return fail(st.error());
  GObjectRef<PangoLayout> layout(impl_->make_layout(spec));
  std::vector<ShapedRun> runs;
  int line_index = 0;
  for (GSList* l = pango_layout_get_lines_readonly(layout.ptr); l; l = l->next, ++line_index) {
    auto* line = static_cast<PangoLayoutLine*>(l->data);
    // Runs of a line are stored in visual (left-to-right on screen) order.
    for (GSList* r = line->runs; r; r = r->next) {
      auto* run = static_cast<PangoGlyphItem*>(r->data);
      ShapedRun out;
      out.line = line_index;
      out.rtl = (run->item->analysis.level % 2) == 1;
      PangoFont* font = run->item->analysis.font;
      if (font && PANGO_IS_FC_FONT(font)) {
        FcPattern* pattern = pango_fc_font_get_pattern(PANGO_FC_FONT(font));
        FcChar8* file = nullptr;
        if (pattern && FcPatternGetString(pattern, FC_FILE, 0, &file) == FcResultMatch && file)
          out.font_file = reinterpret_cast<const char*>(file);
      }
      for (int i = 0; i < run->glyphs->num_glyphs; ++i) {
        out.glyphs.push_back({run->glyphs->glyphs[i].glyph,
                              static_cast<std::uint32_t>(run->item->offset + run->glyphs->log_clusters[i])});
      }
      runs.push_back(std::move(out));
    }
  }
  return runs;
}

}  // namespace ws::kiosk::text

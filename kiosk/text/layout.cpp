#include "kiosk/text/layout.hpp"

#include <pango/pangocairo.h>
#include <pango/pangofc-font.h>

#include <algorithm>
#include <cstring>

namespace ws::kiosk::text {
namespace {

constexpr double kMaxSizePx = 400.0;
constexpr int kMaxWrapWidthPx = 8192;
constexpr int kMaxBitmapSide = 8192;
constexpr std::size_t kMaxTextBytes = 64 * 1024;

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

Status check_spec(const TextSpec& spec) {
  if (spec.text.size() > kMaxTextBytes) return fail("text_too_long", "text is longer than 64 KiB");
  if (!g_utf8_validate(spec.text.data(), static_cast<gssize>(spec.text.size()), nullptr))
    return fail("invalid_utf8", "text is not valid UTF-8");
  if (!(spec.size_px >= 1.0 && spec.size_px <= kMaxSizePx))
    return fail("invalid_size", "font size must be between 1 and 400 px");
  if (spec.wrap_width_px < 0 || spec.wrap_width_px > kMaxWrapWidthPx)
    return fail("invalid_width", "wrap width must be between 0 and 8192 px");
  if (spec.font_family.empty()) return fail("invalid_font", "font family is empty");
  if (!(spec.line_spacing >= 0.5 && spec.line_spacing <= 4.0))
    return fail("invalid_spacing", "line spacing must be between 0.5 and 4");
  return ok();
}

PangoAlignment pango_alignment(const TextSpec& spec) {
  // auto_dir is off, so LEFT and RIGHT are literal edges; map start/end through the direction.
  const bool rtl = spec.direction == Direction::Rtl;
  switch (spec.align) {
    case Align::Center: return PANGO_ALIGN_CENTER;
    case Align::End: return rtl ? PANGO_ALIGN_LEFT : PANGO_ALIGN_RIGHT;
    case Align::Start: break;
  }
  return rtl ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT;
}

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

struct TextLayouter::Impl {
  PangoFontMap* font_map = nullptr;
  PangoContext* context = nullptr;

  Impl() {
    // Our own font map, so that nothing else in the process changes our resolution or options.
    font_map = pango_cairo_font_map_new();
    context = pango_font_map_create_context(font_map);
    pango_cairo_context_set_resolution(context, 96.0);
    cairo_font_options_t* options = cairo_font_options_create();
    // Grey antialiasing: the bitmap becomes a texture that may be blended anywhere, so
    // subpixel (LCD) colour fringes would be wrong. Unhinted metrics keep widths stable.
    cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY);
    cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_SLIGHT);
    cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
    pango_cairo_context_set_font_options(context, options);
    cairo_font_options_destroy(options);
  }
  ~Impl() {
    if (context) g_object_unref(context);
    if (font_map) g_object_unref(font_map);
  }

  // A new layout for `spec`; the caller unrefs it.
  PangoLayout* make_layout(const TextSpec& spec) {
    pango_context_set_base_dir(context, spec.direction == Direction::Rtl ? PANGO_DIRECTION_RTL
                                                                          : PANGO_DIRECTION_LTR);
    PangoLanguage* language = pango_language_from_string(spec.language.empty() ? "en" : spec.language.c_str());
    pango_context_set_language(context, language);

    PangoLayout* layout = pango_layout_new(context);
    pango_layout_set_auto_dir(layout, FALSE);

    PangoFontDescription* font = pango_font_description_new();
    pango_font_description_set_family(font, spec.font_family.c_str());
    pango_font_description_set_absolute_size(font, spec.size_px * PANGO_SCALE);
    pango_font_description_set_weight(font, spec.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(layout, font);
    pango_font_description_free(font);

    PangoAttrList* attrs = pango_attr_list_new();
    pango_attr_list_insert(attrs, pango_attr_language_new(language));
    pango_layout_set_attributes(layout, attrs);
    pango_attr_list_unref(attrs);

    pango_layout_set_text(layout, spec.text.data(), static_cast<int>(spec.text.size()));
    pango_layout_set_line_spacing(layout, static_cast<float>(spec.line_spacing));
    if (spec.wrap_width_px > 0) {
      pango_layout_set_width(layout, spec.wrap_width_px * PANGO_SCALE);
      pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
    }
    pango_layout_set_alignment(layout, pango_alignment(spec));
    return layout;
  }
};

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
  Box box{0, 0, box_w, box_h};
  if (ink.width > 0 && ink.height > 0) {
    box.x0 = std::min(box.x0, ink.x);
    box.y0 = std::min(box.y0, ink.y);
    box.x1 = std::max(box.x1, ink.x + ink.width);
    box.y1 = std::max(box.y1, ink.y + ink.height);
  }
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

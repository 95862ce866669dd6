#pragma once
// The Pango context behind TextLayouter, shared with CaretLayout so that the caret of a text
// field is computed on exactly the layout that was rendered. Private to kiosk/text.
#include <pango/pangocairo.h>

#include "kiosk/text/layout.hpp"

namespace ws::kiosk::text {

constexpr double kMaxSizePx = 400.0;
constexpr int kMaxWrapWidthPx = 8192;
constexpr std::size_t kMaxTextBytes = 64 * 1024;

inline Status check_spec(const TextSpec& spec) {
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

inline PangoAlignment pango_alignment(const TextSpec& spec) {
  // auto_dir is off, so LEFT and RIGHT are literal edges; map start/end through the direction.
  const bool rtl = spec.direction == Direction::Rtl;
  switch (spec.align) {
    case Align::Center: return PANGO_ALIGN_CENTER;
    case Align::End: return rtl ? PANGO_ALIGN_LEFT : PANGO_ALIGN_RIGHT;
    case Align::Start: break;
  }
  return rtl ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT;
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


}  // namespace ws::kiosk::text

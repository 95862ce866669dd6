#include "kiosk/text/texture_cache.hpp"

namespace ws::kiosk::text {

TextureCache::TextureCache(TextLayouter& layouter, TextureSink& sink, std::chrono::milliseconds idle_limit,
                           Clock clock)
    : layouter_(layouter), sink_(sink), idle_limit_(idle_limit), clock_(std::move(clock)) {}

TextureCache::~TextureCache() { clear(); }

Result<Texture> TextureCache::make_entry(Entry& entry, const Result<Bitmap>& bitmap) {
  ++stats_.renders;
  if (!bitmap) {
    entry.texture = fail(bitmap.error());
    return entry.texture;
  }
  Texture t;
  t.id = sink_.upload(*bitmap);
  if (t.id == 0) {
    entry.texture = fail("upload_failed", "cannot upload a texture");
    return entry.texture;
  }
  t.width = bitmap->width;
  t.height = bitmap->height;
  t.origin_x = bitmap->origin_x;
  t.origin_y = bitmap->origin_y;
  t.box_width = bitmap->box_width;
  t.box_height = bitmap->box_height;
  entry.texture = t;
  return entry.texture;
}

Result<Texture> TextureCache::text(const TextSpec& spec) {
  const auto now = clock_();
  auto [it, inserted] = text_.try_emplace(spec);
  it->second.last_used = now;
  if (!inserted) {
    ++stats_.hits;
    return it->second.texture;
  }
  return make_entry(it->second, layouter_.render(spec));
}

Result<Texture> TextureCache::bitmap(const std::string& key, const std::function<Result<Bitmap>()>& make) {
  const auto now = clock_();
  auto [it, inserted] = other_.try_emplace(key);
  it->second.last_used = now;
  if (!inserted) {
    ++stats_.hits;
    return it->second.texture;
  }
  return make_entry(it->second, make());
}

void TextureCache::release(Entry& entry) {
  if (entry.texture && entry.texture->id != 0) {
    sink_.release(entry.texture->id);
    ++stats_.releases;
  }
}

void TextureCache::collect() {
  const auto now = clock_();
  auto sweep = [&](auto& map) {
    for (auto it = map.begin(); it != map.end();) {
      if (now - it->second.last_used > idle_limit_) {
        release(it->second);
        it = map.erase(it);
      } else {
        ++it;
      }
    }
  };
  sweep(text_);
  sweep(other_);
}

void TextureCache::clear() {
  for (auto& [_, e] : text_) release(e);
  for (auto& [_, e] : other_) release(e);
  text_.clear();
  other_.clear();
}

TextureCache::Stats TextureCache::stats() const {
  Stats s = stats_;
  s.entries = text_.size() + other_.size();
  return s;
}

}  // namespace ws::kiosk::text

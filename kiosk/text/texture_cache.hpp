#pragma once
// Rendered text, QR codes and pictures kept as GPU textures: a bitmap is made and uploaded
// once per distinct input and reused every frame after; textures not drawn for a while are
// freed. The GPU side sits behind TextureSink, so headless tests and screenshot runs without
// GL use the same cache.
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>

#include "kiosk/text/layout.hpp"
#include "kiosk/text/text_spec.hpp"
#include "ws/result.hpp"

namespace ws::kiosk::text {

using TextureId = std::uint64_t;  // 0 = none

class TextureSink {
 public:
  virtual ~TextureSink() = default;
  // Returns 0 when the upload failed.
  virtual TextureId upload(const Bitmap& bitmap) = 0;
  virtual void release(TextureId id) = 0;
};

// Hands out increasing ids and remembers nothing: for tests and runs without a GPU.
class CountingTextureSink : public TextureSink {
 public:
  TextureId upload(const Bitmap&) override { ++live_; return ++next_; }
  void release(TextureId) override { --live_; }
  long live() const { return live_; }

 private:
  TextureId next_ = 0;
  long live_ = 0;
};

struct Texture {
  TextureId id = 0;
  int width = 0, height = 0;      // bitmap size
  int origin_x = 0, origin_y = 0; // layout box corner in the bitmap's coordinates
  int box_width = 0, box_height = 0;
};

class TextureCache {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  struct Stats {
    std::size_t renders = 0;  // bitmaps made (text laid out, QR encoded, PNG decoded)
    std::size_t hits = 0;
    std::size_t releases = 0;
    std::size_t entries = 0;
  };

  TextureCache(TextLayouter& layouter, TextureSink& sink,
               std::chrono::milliseconds idle_limit = std::chrono::seconds(60),
               Clock clock = std::chrono::steady_clock::now);
  ~TextureCache();
  TextureCache(const TextureCache&) = delete;
  TextureCache& operator=(const TextureCache&) = delete;

  // Laid out and uploaded on first use; afterwards the same texture. A failure is cached too,
  // so a broken string costs one attempt, not one per frame.
  Result<Texture> text(const TextSpec& spec);
  // Any other bitmap, keyed by a caller-chosen string ("qr:<url>:<px>", "png:<path>").
  Result<Texture> bitmap(const std::string& key, const std::function<Result<Bitmap>()>& make);

  // Frees textures not used within the idle limit. Call once per frame.
  void collect();
  void clear();
  Stats stats() const;

 private:
  struct Entry {
    Result<Texture> texture = fail("empty", "not rendered");
    std::chrono::steady_clock::time_point last_used;
  };
  Result<Texture> make_entry(Entry& entry, const Result<Bitmap>& bitmap);
  void release(Entry& entry);

  TextLayouter& layouter_;
  TextureSink& sink_;
  std::chrono::milliseconds idle_limit_;
  Clock clock_;
  std::unordered_map<TextSpec, Entry, TextSpecHash> text_;
  std::unordered_map<std::string, Entry> other_;
  Stats stats_;
};

}  // namespace ws::kiosk::text

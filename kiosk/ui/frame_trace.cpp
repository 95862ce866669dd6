#include "kiosk/ui/frame_trace.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>

#include <imgui.h>

namespace ws::kiosk::ui {
namespace {

// FNV-1a, 64 bits: fast enough for a frame's few hundred KB, and only when tracing.
struct Fnv {
  std::uint64_t h = 0xcbf29ce484222325ull;
  void add(const void* data, std::size_t size) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < size; ++i) h = (h ^ p[i]) * 0x100000001b3ull;
  }
  template <class T>
  void add_value(const T& v) {
    add(&v, sizeof v);
  }
};

}  // namespace

Result<std::unique_ptr<FrameTrace>> FrameTrace::open(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (!f) return fail("trace", "cannot write the frame trace " + path + ": " + std::strerror(errno));
  std::fprintf(f, "# waystation frame trace 1: CLOCK_MONOTONIC microseconds\n");
  auto trace = std::unique_ptr<FrameTrace>(new FrameTrace(f));
  open_ = trace.get();
  return trace;
}

FrameTrace::~FrameTrace() {
  if (open_ == this) open_ = nullptr;
  std::fclose(file_);
}

FrameTrace* FrameTrace::open_ = nullptr;

void FrameTrace::saved() {
  if (!open_) return;
  std::fprintf(open_->file_, "saved %lld\n", static_cast<long long>(now_us()));
  std::fflush(open_->file_);
}

std::int64_t FrameTrace::now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void FrameTrace::input(const char* kind, int button) {
  const std::int64_t t = now_us();
  if (button >= 0) std::fprintf(file_, "input %lld %s %d\n", static_cast<long long>(t), kind, button);
  else std::fprintf(file_, "input %lld %s\n", static_cast<long long>(t), kind);
}

void FrameTrace::frame(int number, std::int64_t shown_us, std::uint64_t hash, std::size_t transitions) {
  std::fprintf(file_, "frame %d %lld %016llx %zu\n", number, static_cast<long long>(shown_us),
               static_cast<unsigned long long>(hash), transitions);
  std::fflush(file_);  // readers follow the file while the kiosk runs
}

void FrameTrace::sleep() {
  std::fprintf(file_, "sleep %lld\n", static_cast<long long>(now_us()));
  std::fflush(file_);
}

std::uint64_t draw_data_hash(const ImDrawData* data, std::uint64_t extra) {
  Fnv f;
  f.add_value(extra);
  if (!data || !data->Valid) return f.h;
  f.add_value(data->DisplaySize.x);
  f.add_value(data->DisplaySize.y);
  for (int n = 0; n < data->CmdListsCount; ++n) {
    const ImDrawList* list = data->CmdLists[n];
    f.add(list->VtxBuffer.Data, static_cast<std::size_t>(list->VtxBuffer.Size) * sizeof(ImDrawVert));
    f.add(list->IdxBuffer.Data, static_cast<std::size_t>(list->IdxBuffer.Size) * sizeof(ImDrawIdx));
    for (const ImDrawCmd& cmd : list->CmdBuffer) {
      f.add_value(cmd.ClipRect);
      f.add_value(cmd.TextureId);
      f.add_value(cmd.VtxOffset);
      f.add_value(cmd.IdxOffset);
      f.add_value(cmd.ElemCount);
    }
  }
  return f.h;
}

}  // namespace ws::kiosk::ui

#pragma once
// The plain run of a JSON string: how far its bytes go before one that is '"', '\\' or a control
// byte (below 0x20), the bytes that end a string, start an escape, or need one. The proof of a
// payload's stored form and the writer of that form (ws/json_canonical.hpp) walk every string of
// a pushed payload so (docs/performance.md, session 17): 16 bytes a step with SSE2 (the x86-64
// baseline), else 8 bytes a step in a machine word. Both forms are compiled where SSE2 is, so
// tests run the portable one on x86-64 too. (The split scanner, which looks for quotes alone,
// stays on glibc's memchr: this SSE2 loop was slower there, session 17.)
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace ws::json_string_scan {

inline bool is_special(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }

// The special bytes of the 8 at `p`: the high bit of each set, exact up to the first one (a
// borrow may mark bytes after it).
inline std::uint64_t special_mask8(const char* p) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
  std::uint64_t w = 0;
  std::memcpy(&w, p, sizeof w);
  auto below = [](std::uint64_t v, std::uint64_t n) { return (v - kOnes * n) & ~v & kHighs; };
  return below(w, 0x20) | below(w ^ (kOnes * '"'), 1) | below(w ^ (kOnes * '\\'), 1);
}

// The place in its word of the first byte special_mask8 marked.
inline std::size_t first_marked8(std::uint64_t mask) {
  if constexpr (std::endian::native == std::endian::little) return static_cast<std::size_t>(std::countr_zero(mask)) / 8;
  else return static_cast<std::size_t>(std::countl_zero(mask)) / 8;
}

// The offset of the first special byte of p[0, n), n when there is none: 8 bytes a step.
inline std::size_t find_special_portable(const char* p, std::size_t n) {
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    if (const std::uint64_t mask = special_mask8(p + i)) return i + first_marked8(mask);
  }
  while (i < n && !is_special(static_cast<unsigned char>(p[i]))) ++i;
  return i;
}

#if defined(__SSE2__)
// The same, 16 bytes a step; what is left under 16 bytes goes the portable way.
inline std::size_t find_special_sse2(const char* p, std::size_t n) {
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i highest_control = _mm_set1_epi8(0x1F);
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    // Unsigned v <= 0x1F exactly when min(v, 0x1F) == v (SSE2 has no unsigned compare).
    const __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(v, highest_control), v);
    const __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)), control);
    if (const int mask = _mm_movemask_epi8(hit)) return i + static_cast<std::size_t>(std::countr_zero(static_cast<unsigned>(mask)));
  }
  return i + find_special_portable(p + i, n - i);
}
#endif

// What the server uses: SSE2 where the target has it.
inline std::size_t find_special(const char* p, std::size_t n) {
#if defined(__SSE2__)
  return find_special_sse2(p, n);
#else
  return find_special_portable(p, n);
#endif
}

}  // namespace ws::json_string_scan

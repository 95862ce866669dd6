#pragma once
// The fuzz targets' entry functions. Each target in tests/fuzz/<name>/<name>.cpp defines one;
// the clang build (-DWS_FUZZ=ON) wraps it in LLVMFuzzerTestOneInput, and the ordinary test
// suite feeds it the corpus and every saved crash (tests/fuzz/regressions/<name>/).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ws::fuzz {

int push_body(const std::uint8_t* data, std::size_t size);
int json_split(const std::uint8_t* data, std::size_t size);
int form_definition(const std::uint8_t* data, std::size_t size);
int form_answers(const std::uint8_t* data, std::size_t size);
int expression(const std::uint8_t* data, std::size_t size);
int content_bundle(const std::uint8_t* data, std::size_t size);
int publish(const std::uint8_t* data, std::size_t size);
int pull_reply(const std::uint8_t* data, std::size_t size);
int sealed_push(const std::uint8_t* data, std::size_t size);

inline std::string_view text_of(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// A broken invariant: says which (never the input, which may look like personal data) and
// aborts, so libFuzzer saves the input and a regression test fails loudly.
[[noreturn]] void invariant_failed(const char* what, const char* file, int line);

}  // namespace ws::fuzz

#define WS_FUZZ_CHECK(cond)                                                  \
  do {                                                                       \
    if (!(cond)) ::ws::fuzz::invariant_failed(#cond, __FILE__, __LINE__);    \
  } while (0)

#ifdef WS_FUZZ_MAIN
#define WS_FUZZ_ENTRY(fn)                                                         \
  extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) { \
    return ::ws::fuzz::fn(data, size);                                            \
  }
#else
#define WS_FUZZ_ENTRY(fn)
#endif

#pragma once
// Reading a page aloud: a recorded narration from the bundle when there is one, otherwise
// speech synthesised by espeak-ng where it has a voice for the language (not Pashto, Tigrinya
// or Somali). Playback is a child process watched by a worker thread, so the UI thread never
// waits for audio.
#include <atomic>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "ws/result.hpp"

namespace ws::kiosk::content {

// A command line to run, and text to feed on its stdin (espeak-ng reads the page from there,
// so page text never becomes an argument).
struct PlayCommand {
  std::vector<std::string> argv;
  std::string stdin_text;
};

struct NarrationTools {
  std::string player = "aplay";      // plays the bundle's WAV narrations
  std::string synthesizer = "espeak-ng";
  // Whether a program can be found on PATH (or is an executable path). Tests swap this.
  static bool available(const std::string& program);
};

enum class NarrationKind { None, Recorded, Synthesized };

// What the play button would do for a page, and the command for it. `audio_file` is the
// recorded narration's absolute path (empty if the page has none); `voice` is the language's
// espeak-ng voice (empty if none).
struct NarrationPlan {
  NarrationKind kind = NarrationKind::None;
  PlayCommand command;
};
NarrationPlan plan_narration(const NarrationTools& tools, const std::string& audio_file, const std::string& voice,
                             const std::string& text, bool (*available)(const std::string&) = &NarrationTools::available);

class Narrator {
 public:
  Narrator() = default;
  ~Narrator();
  Narrator(const Narrator&) = delete;
  Narrator& operator=(const Narrator&) = delete;

  // Stops what is playing and starts `command`.
  Status play(const PlayCommand& command);
  // Stops playback (terminates the child) and waits for the worker; safe to call any time.
  void stop();
  bool playing() const { return playing_.load(); }
  // The last run's exit status (for tests and diagnostics); nullopt while running.
  std::optional<int> last_exit() const;

 private:
  void reap();
  std::thread worker_;
  std::atomic<bool> playing_{false};
  std::atomic<int> child_{-1};
  mutable std::mutex mutex_;
  std::optional<int> last_exit_;
};

}  // namespace ws::kiosk::content

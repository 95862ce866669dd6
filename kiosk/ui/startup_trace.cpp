#include "kiosk/ui/startup_trace.hpp"

#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace ws::kiosk::ui {
namespace {

// Milliseconds from the process's start (field 22 of /proc/self/stat, in clock ticks since
// boot) to now (CLOCK_BOOTTIME, the same clock); 0 when either is unavailable.
double exec_to_now_ms() {
  std::ifstream in("/proc/self/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto paren = stat.rfind(')');
  if (paren == std::string::npos) return 0;
  std::istringstream fields(stat.substr(paren + 2));
  std::string field;
  // After the command name: state is field 3, so starttime (22) is the 20th from here.
  for (int i = 3; i <= 22 && fields >> field; ++i) {
  }
  const long ticks_per_s = sysconf(_SC_CLK_TCK);
  timespec now{};
  if (field.empty() || ticks_per_s <= 0 || clock_gettime(CLOCK_BOOTTIME, &now) != 0) return 0;
  const double start_ms = std::strtod(field.c_str(), nullptr) * 1000.0 / static_cast<double>(ticks_per_s);
  return static_cast<double>(now.tv_sec) * 1000.0 + static_cast<double>(now.tv_nsec) / 1e6 - start_ms;
}

double ms_between(StartupTrace::Clock::time_point a, StartupTrace::Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

double cpu_ms(clockid_t clock) {
  timespec t{};
  if (clock_gettime(clock, &t) != 0) return 0;
  return static_cast<double>(t.tv_sec) * 1000.0 + static_cast<double>(t.tv_nsec) / 1e6;
}

}  // namespace

bool StartupTrace::wanted() { return std::getenv("KIOSK_DEBUG_FRAMES") != nullptr; }

StartupTrace::Mark StartupTrace::mark() { return {Clock::now(), cpu_ms(CLOCK_THREAD_CPUTIME_ID)}; }

StartupTrace::StartupTrace(bool enabled) : enabled_(enabled), origin_(Clock::now()), last_(mark()) {
  if (!enabled_) return;
  exec_to_origin_ms_ = exec_to_now_ms();
  std::fprintf(stderr, "startup exec-to-main end %.0f took %.0f cpu %.1f process %.1f\n", exec_to_origin_ms_,
               exec_to_origin_ms_, last_.thread_cpu_ms, cpu_ms(CLOCK_PROCESS_CPUTIME_ID));
}

double StartupTrace::since_exec_ms(Clock::time_point t) const { return exec_to_origin_ms_ + ms_between(origin_, t); }

void StartupTrace::phase(const char* name, const Mark& began, bool other_thread) {
  if (!enabled_) return;
  const Mark now = mark();
  std::lock_guard lock(print_);
  std::fprintf(stderr, "startup %s end %.1f took %.1f cpu %.1f process %.1f%s\n", name, since_exec_ms(now.wall),
               ms_between(began.wall, now.wall), now.thread_cpu_ms - began.thread_cpu_ms,
               cpu_ms(CLOCK_PROCESS_CPUTIME_ID), other_thread ? " [beside]" : "");
  std::fflush(stderr);
  if (!other_thread) last_ = now;
}

void StartupTrace::next(const char* name) { phase(name, last_); }

}  // namespace ws::kiosk::ui

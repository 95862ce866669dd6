#pragma once
// What every benchmark here shares: the load-average gate (figures from a busy machine are
// noise, issue 14 asks for < 1.0 before every run) and medians.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include <unistd.h>

namespace ws::bench {

// The 1-minute load average from /proc/loadavg, or -1 when it cannot be read.
inline double load_average() {
  double one = -1;
  if (FILE* f = std::fopen("/proc/loadavg", "r")) {
    if (std::fscanf(f, "%lf", &one) != 1) one = -1;
    std::fclose(f);
  }
  return one;
}

// How long a bench waits for a busy machine to quieten before it refuses: BENCH_LOAD_WAIT
// seconds (default 600). `make bench` runs its benches back to back on the same cores, and the
// 1-minute load one leaves behind takes about a minute to fall from 2 to below 1.
inline int load_wait_seconds() {
  const char* text = std::getenv("BENCH_LOAD_WAIT");
  if (!text || !*text) return 600;
  char* end = nullptr;
  const long seconds = std::strtol(text, &end, 10);
  return end && *end == '\0' && seconds >= 0 ? static_cast<int>(std::min(seconds, 86400L)) : 600;
}

// While `read_load()` is above 1.0, calls `pause()` (which sleeps 5 s) and reads it again, for
// up to `wait_s` seconds; returns the last reading.
inline double wait_for_quiet(const std::function<double()>& read_load, const std::function<void()>& pause, int wait_s) {
  double load = read_load();
  for (int waited = 0; load > 1.0 && waited < wait_s; waited += 5) {
    pause();
    load = read_load();
  }
  return load;
}

// Prints the load average first. Above 1.0 it waits up to load_wait_seconds() for the load to
// fall to 1.0; if it does not, refuses to run (exit 3) unless `allow_busy`, and then says loudly
// on stdout that the figures are not comparable. bench/footprint/procstat.sh's load_gate is the
// same rule for the shell benches.
inline void check_load(bool allow_busy) {
  double load = load_average();
  std::printf("load average (1 min): %.2f\n", load);
  std::fflush(stdout);
  if (load > 1.0 && !allow_busy) {
    const int wait_s = load_wait_seconds();
    std::printf("waiting up to %d s for the load average to fall to 1.0 (BENCH_LOAD_WAIT)\n", wait_s);
    std::fflush(stdout);
    load = wait_for_quiet(load_average, [] { sleep(5); }, wait_s);
    if (load <= 1.0) {
      std::printf("load average (1 min): %.2f\n", load);
      std::fflush(stdout);
    }
  }
  if (load <= 1.0) return;
  if (!allow_busy) {
    std::fprintf(stderr,
                 "bench: the load average is %.2f (> 1.0) after waiting: the machine is busy and the figures would be "
                 "noise. Wait for a quiet machine, or pass --allow-busy to run anyway.\n",
                 load);
    std::exit(3);
  }
  std::printf("WARNING: load average %.2f > 1.0: BUSY MACHINE, these figures are not comparable; only ratios "
              "within this run mean anything.\n",
              load);
}

// The benches' command line: `--allow-busy` (returned), and `--NAME VALUE` options handed to
// `take`, which answers false for a name it does not know. A missing value or an unknown name
// ends the program with a message.
inline bool parse_options(int argc, char** argv, const std::function<bool(const std::string&, const char*)>& take) {
  bool allow_busy = false;
  for (int i = 1; i < argc; ++i) {
    const std::string name = argv[i];
    if (name == "--allow-busy") {
      allow_busy = true;
    } else if (i + 1 >= argc) {
      std::fprintf(stderr, "bench: missing value for %s\n", name.c_str());
      std::exit(2);
    } else if (!take(name, argv[++i])) {
      std::fprintf(stderr, "bench: unknown option %s\n", name.c_str());
      std::exit(2);
    }
  }
  return allow_busy;
}

inline double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// The p-th quantile (0..1) by nearest rank.
inline double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const double rank = p * static_cast<double>(v.size());
  std::size_t idx = rank <= 1 ? 0 : static_cast<std::size_t>(rank + 0.999999) - 1;
  return v[std::min(idx, v.size() - 1)];
}

// CPU seconds (user + system) a process has used so far, from /proc/PID/stat ("self" for this
// one); -1 when it cannot be read. Wall times on a busy machine are noise; CPU is much less so.
inline double cpu_seconds(const std::string& pid = "self") {
  double ticks = -1;
  if (FILE* f = std::fopen(("/proc/" + pid + "/stat").c_str(), "r")) {
    char line[1024];
    if (std::fgets(line, sizeof line, f)) {
      // Fields 14 and 15 (utime, stime), counted after the command name's closing parenthesis.
      const char* p = std::strrchr(line, ')');
      unsigned long long utime = 0, stime = 0;
      if (p && std::sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) == 2) {
        ticks = static_cast<double>(utime + stime);
      }
    }
    std::fclose(f);
  }
  return ticks < 0 ? -1 : ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// What the kernel counts for a process (this one by default): CPU split into user and system
// (/proc/PID/stat), page faults, and its I/O system calls and bytes (/proc/PID/io). The kernel's
// share is most of what a commit's pwrite and fsync cost, so it is measured apart from the user's.
struct ProcessCounters {
  double user_s = 0;
  double system_s = 0;
  double minor_faults = 0;
  double major_faults = 0;
  double read_calls = 0;      // syscr: read, pread and readv calls
  double write_calls = 0;     // syscw: write, pwrite and writev calls
  double written_bytes = 0;   // wchar: bytes handed to write and pwrite (a socket's send is not counted)
  double storage_bytes = 0;   // write_bytes: bytes this process caused to be sent to storage

  ProcessCounters operator-(const ProcessCounters& o) const {
    return {user_s - o.user_s,           system_s - o.system_s,       minor_faults - o.minor_faults,
            major_faults - o.major_faults, read_calls - o.read_calls, write_calls - o.write_calls,
            written_bytes - o.written_bytes, storage_bytes - o.storage_bytes};
  }
};

// Zeros where a file cannot be read (some kernels keep /proc/PID/io from other users).
inline ProcessCounters process_counters(const std::string& pid = "self") {
  ProcessCounters c;
  const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
  if (FILE* f = std::fopen(("/proc/" + pid + "/stat").c_str(), "r")) {
    char line[1024];
    if (std::fgets(line, sizeof line, f)) {
      // Fields 10-15 (minflt, cminflt, majflt, cmajflt, utime, stime) after the closing parenthesis.
      const char* p = std::strrchr(line, ')');
      unsigned long long minflt = 0, majflt = 0, utime = 0, stime = 0;
      if (p && std::sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %llu %*u %llu %*u %llu %llu", &minflt, &majflt, &utime,
                           &stime) == 4) {
        c.minor_faults = static_cast<double>(minflt);
        c.major_faults = static_cast<double>(majflt);
        c.user_s = static_cast<double>(utime) / tick;
        c.system_s = static_cast<double>(stime) / tick;
      }
    }
    std::fclose(f);
  }
  if (FILE* f = std::fopen(("/proc/" + pid + "/io").c_str(), "r")) {
    char name[64];
    unsigned long long value = 0;
    while (std::fscanf(f, "%63[^:]: %llu\n", name, &value) == 2) {
      const std::string n = name;
      if (n == "syscr") c.read_calls = static_cast<double>(value);
      if (n == "syscw") c.write_calls = static_cast<double>(value);
      if (n == "wchar") c.written_bytes = static_cast<double>(value);
      if (n == "write_bytes") c.storage_bytes = static_cast<double>(value);
    }
    std::fclose(f);
  }
  return c;
}

}  // namespace ws::bench

// The benches' load gate (bench/bench_common.hpp): a busy machine is waited for, not refused at
// once, and the wait is bounded.
#include <doctest/doctest.h>

#include <cstdlib>
#include <vector>

#include "bench/bench_common.hpp"

namespace {

struct FakeLoad {
  std::vector<double> readings;
  std::size_t next = 0;
  int pauses = 0;
  double read() { return readings[std::min(next++, readings.size() - 1)]; }
};

}  // namespace

TEST_CASE("a quiet machine is measured at once") {
  FakeLoad load{{0.4}};
  CHECK(ws::bench::wait_for_quiet([&] { return load.read(); }, [&] { ++load.pauses; }, 600) == doctest::Approx(0.4));
  CHECK(load.pauses == 0);
}

TEST_CASE("a busy machine is waited for until its load falls to 1.0") {
  FakeLoad load{{2.1, 1.7, 1.3, 1.0, 0.8}};
  CHECK(ws::bench::wait_for_quiet([&] { return load.read(); }, [&] { ++load.pauses; }, 600) == doctest::Approx(1.0));
  CHECK(load.pauses == 3);
}

TEST_CASE("the wait ends after its seconds, five a pause, with the last reading") {
  FakeLoad load{{1.9}};
  CHECK(ws::bench::wait_for_quiet([&] { return load.read(); }, [&] { ++load.pauses; }, 20) == doctest::Approx(1.9));
  CHECK(load.pauses == 4);
  FakeLoad none{{1.9}};
  CHECK(ws::bench::wait_for_quiet([&] { return none.read(); }, [&] { ++none.pauses; }, 0) == doctest::Approx(1.9));
  CHECK(none.pauses == 0);
}

TEST_CASE("BENCH_LOAD_WAIT sets the wait, and a value that is not a whole number of seconds keeps 600") {
  const auto with = [](const char* value) {
    if (value) setenv("BENCH_LOAD_WAIT", value, 1);
    else unsetenv("BENCH_LOAD_WAIT");
    const int seconds = ws::bench::load_wait_seconds();
    unsetenv("BENCH_LOAD_WAIT");
    return seconds;
  };
  CHECK(with(nullptr) == 600);
  CHECK(with("") == 600);
  CHECK(with("90") == 90);
  CHECK(with("0") == 0);
  CHECK(with("ten") == 600);
  CHECK(with("-5") == 600);
  CHECK(with("12s") == 600);
}

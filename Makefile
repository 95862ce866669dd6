# Thin wrapper over CMake. The README's two commands: `make demo` and `make test`.
# `make fuzz` runs the libFuzzer targets (tests/fuzz) for FUZZ_SECONDS each.
SANITIZE ?= 0
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

ifeq ($(SANITIZE),1)
TEST_BUILD := build/asan
TEST_FLAGS := -DCMAKE_BUILD_TYPE=Debug -DWS_SANITIZE=ON
export LSAN_OPTIONS := suppressions=$(CURDIR)/tests/sanitizer/lsan.supp
else
TEST_BUILD := build/test
TEST_FLAGS := -DCMAKE_BUILD_TYPE=RelWithDebInfo
endif
RELEASE_BUILD := build/release
FUZZ_BUILD := build/fuzz
FUZZ_SECONDS ?= 60

.PHONY: setup release test fuzz demo bench clean

setup:
	@./scripts/setup

release: setup
	cmake -S . -B $(RELEASE_BUILD) -DCMAKE_BUILD_TYPE=Release -DWS_BUILD_TESTS=OFF
	cmake --build $(RELEASE_BUILD) -j $(JOBS)

test: setup
	cmake -S . -B $(TEST_BUILD) $(TEST_FLAGS)
	cmake --build $(TEST_BUILD) -j $(JOBS)
	cd $(TEST_BUILD) && ctest --output-on-failure -j $(JOBS)

# clang with libFuzzer, ASan and UBSan, in its own build folder; the g++ builds are untouched.
fuzz: setup
	cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ -DWS_FUZZ=ON
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzz_targets
	./scripts/fuzz $(FUZZ_BUILD) $(FUZZ_SECONDS)

demo: release
	./scripts/demo $(RELEASE_BUILD)

bench: release
	./scripts/bench $(RELEASE_BUILD)

clean:
	rm -rf build

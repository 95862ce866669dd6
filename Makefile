# Thin wrapper over CMake. The README's two commands: `make demo` and `make test`.
# `make fuzz` runs the libFuzzer targets (tests/fuzz) for FUZZ_SECONDS each.
SANITIZE ?= 0
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

ifeq ($(SANITIZE),1)
TEST_BUILD := build/asan
TEST_FLAGS := -DCMAKE_BUILD_TYPE=Debug -DWS_SANITIZE=ON
# Sets the sanitizers' options and collects the reports of every child process too.
CTEST := ./scripts/sanitized-ctest $(TEST_BUILD)
else
TEST_BUILD := build/test
TEST_FLAGS := -DCMAKE_BUILD_TYPE=RelWithDebInfo
CTEST := cd $(TEST_BUILD) && ctest
endif
RELEASE_BUILD := build/release
PACKAGE_BUILD := build/package
FUZZ_BUILD := build/fuzz
FUZZ_SECONDS ?= 60

.PHONY: setup release test fuzz demo bench screenshots package package-test clean

setup:
	@./scripts/setup

release: setup
	cmake -S . -B $(RELEASE_BUILD) -DCMAKE_BUILD_TYPE=Release -DWS_BUILD_TESTS=OFF
	cmake --build $(RELEASE_BUILD) -j $(JOBS)

test: setup
	cmake -S . -B $(TEST_BUILD) $(TEST_FLAGS)
	cmake --build $(TEST_BUILD) -j $(JOBS)
	$(CTEST) --output-on-failure -j $(JOBS)

# clang with libFuzzer, ASan and UBSan, in its own build folder; the g++ builds are untouched.
fuzz: setup
	cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ -DWS_FUZZ=ON
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzz_targets
	./scripts/fuzz $(FUZZ_BUILD) $(FUZZ_SECONDS)

demo: release
	./scripts/demo $(RELEASE_BUILD)

# Debian packages of the server and the kiosk, in build/package/*.deb.
package:
	@./scripts/setup packaging
	cmake -S . -B $(PACKAGE_BUILD) -DCMAKE_BUILD_TYPE=Release -DWS_BUILD_TESTS=OFF -DWS_BUILD_BENCH=OFF -DWS_PACKAGE=ON \
	  -DWS_ASSETS_DIR=/usr/share/waystation/kiosk
	cmake --build $(PACKAGE_BUILD) -j $(JOBS)
	cd $(PACKAGE_BUILD) && cpack
	./scripts/lint-packages $(PACKAGE_BUILD)

# Installs the packages into a fresh minimal Debian 12 root and runs them there (root, slow).
package-test: package
	./scripts/package-test $(PACKAGE_BUILD)

bench: release
	./scripts/bench $(RELEASE_BUILD)

# Every kiosk screen at 1920x1080, 1280x800 and 1080x1920 into docs/screenshots (look at them).
screenshots: setup
	cmake -S . -B build/test -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build build/test -j $(JOBS) --target kiosk
	./scripts/screenshots build/test/kiosk/kiosk docs/screenshots

clean:
	rm -rf build

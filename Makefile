# A thin wrapper around CMake, so a new user needs two commands:
#   make run    install what is missing, build, generate the site, serve it on 127.0.0.1:8080
#   make test   everything: unit, golden, diagnostics, fuzz replays, sanitizers, end-to-end, browser
#
# Other targets: build, site, check, asan, tsan, fuzz, bench-smoke, deb, clean.

BUILD    ?= build
ASAN     ?= build-asan
TSAN     ?= build-tsan
FUZZ     ?= build-fuzz
DEB      ?= build-deb
JOBS     ?= $(shell nproc 2>/dev/null || echo 2)
PORT     ?= 8080
FUZZ_SECONDS ?= 20
CMAKE_FLAGS ?=
ifdef CI
CMAKE_FLAGS += -DHHD_WERROR=ON
endif

.PHONY: all deps build site check run test unit asan tsan fuzz bench-smoke deb clean

all: build

deps:
	@scripts/deps build

deps-run:
	@scripts/deps run

deps-test:
	@scripts/deps test

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

site: build
	$(BUILD)/hhd build

check: build
	$(BUILD)/hhd check --report

run: deps-run build site
	scripts/serve --port $(PORT) --public public --state $(BUILD)/run --build $(BUILD)

# Sanitizer build of everything that runs in-process: unit, conformance, diagnostics, golden, fuzz replays.
# HHD_ARENA_DEBUG=1 gives every arena object (and every cmark node) its own malloc, so ASan sees each one;
# the normal build's tests run the arenas as shipped.
asan: deps
	cmake -S . -B $(ASAN) -DHHD_SANITIZE=ON $(CMAKE_FLAGS)
	cmake --build $(ASAN) -j $(JOBS)
	HHD_ARENA_DEBUG=1 ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --test-dir $(ASAN) -L 'unit|conformance|diag|golden|fuzz' --output-on-failure -j $(JOBS)

# ThreadSanitizer build: the golden tests (-j1 and -j4 builds among them), the
# lib unit test (lib/pool.c among its modules), the preview server's test (a thread per connection)
# and label tsan (tests/golden/tsan.sh): hhd build -j8 --force of the shipped content, three times,
# and of a generated 2,000-page corpus. Any report fails.
tsan: deps-test
	cmake -S . -B $(TSAN) -DHHD_TSAN=ON $(CMAKE_FLAGS)
	cmake --build $(TSAN) -j $(JOBS) --target hhd hhd-fcgi test_lib test_serve
	TSAN_OPTIONS='halt_on_error=1 exitcode=66' \
	  ctest --test-dir $(TSAN) -R '^(golden|tsan)[.]|^unit[.]test_(lib|serve)$$' --output-on-failure -j $(JOBS)

# libFuzzer builds (clang) of the parsers of untrusted input, each run for a bounded time.
fuzz: deps-test
	CC=clang cmake -S . -B $(FUZZ) -DHHD_FUZZ=ON -DHHD_SANITIZE=OFF
	cmake --build $(FUZZ) -j $(JOBS)
	scripts/fuzz $(FUZZ) $(FUZZ_SECONDS)

test: deps-test build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS) -LE 'bench-smoke|browser|pkg'
	ctest --test-dir $(BUILD) --output-on-failure -L 'bench-smoke|browser|pkg'
	$(MAKE) asan
	$(MAKE) tsan
	$(MAKE) fuzz

bench-smoke: build
	ctest --test-dir $(BUILD) --output-on-failure -L bench-smoke

# The Debian package (debian/, deploy/CMakeLists.txt): build-deb/hhd_<version>_<arch>.deb,
# built by dpkg-buildpackage from a copy of the tree (git's files, tracked or new) in
# build-deb/hhd/, so its results land in build-deb/ and not beside this folder.
# DEB_BUILD_OPTIONS=nocheck skips the unit tests. The package's own test, as root on
# Debian (it installs and purges the package): ctest --test-dir build -L pkg
deb:
	rm -rf $(DEB) && mkdir -p $(DEB)/hhd
	git ls-files -z -c -o --exclude-standard | tar -c --null -T - --ignore-failed-read -f - | tar -x -C $(DEB)/hhd
	cd $(DEB)/hhd && dpkg-buildpackage -us -uc -b
	@ls $(DEB)/hhd_*.deb

clean:
	rm -rf $(BUILD) $(ASAN) $(TSAN) $(FUZZ) $(DEB) public

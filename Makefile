# Herald: the two commands are `make run` and `make test`.
# This file only sequences steps; the build lives in meson.build.

BUILD      ?= build
ASAN_BUILD ?= build-asan
MESON_OPTS ?=
FUZZ_SECONDS ?= 600

.PHONY: all deps build run test test-unit test-asan fuzz bench format clean

all: build

deps:
	@./tools/install-deps.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD) $(MESON_OPTS)

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

# Start Herald interactively on the embedded default: virtual devices only.
run: build
	./tools/run-demo.sh $(BUILD)

# Every suite, then every suite that runs herald (and the unit tests) again
# with herald built under AddressSanitizer and UBSan and with its debug
# checks (poisoned snapshots and worker contexts, mbuf sanity checks at TX
# enqueue, snapshot/channel asserts: what ASan cannot see in DPDK's
# memory). e2e there is the net_tap tests: the ASan build has no BPF.
test: build
	meson test -C $(BUILD) --print-errorlogs --num-processes 1
	$(MAKE) test-asan

test-unit: build
	meson test -C $(BUILD) --print-errorlogs --suite unit

$(ASAN_BUILD)/build.ninja:
	meson setup $(ASAN_BUILD) -Db_sanitize=address,undefined \
		-Db_lundef=false -Dbpf=false -Dfuzz_seconds=0 \
		-Ddebug_checks=true $(MESON_OPTS)

test-asan: deps $(ASAN_BUILD)/build.ninja
	ninja -C $(ASAN_BUILD)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		meson test -C $(ASAN_BUILD) --print-errorlogs --num-processes 1 \
		--suite unit --suite replay --suite multiworker --suite telemetry \
		--suite config --suite e2e --suite cli --suite control \
		--suite client --suite metrics

# Long fuzzing sessions of the HWP parser and the INI loader (make test
# runs short ones).
fuzz: build
	./tests/fuzz/run-fuzz.sh $(BUILD) $(FUZZ_SECONDS)
	./tests/fuzz/run-fuzz.sh $(BUILD) $(FUZZ_SECONDS) config

bench: build
	./tools/bench/run-all.sh $(BUILD)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)

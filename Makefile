# The two entry points on a fresh Debian 12 machine:
#   make run    install what is missing, build (Release), run the main job on the best device
#   make test   install what is missing, build, run every test with ctest
# Mesa's rusticl only shows devices that RUSTICL_ENABLE names; llvmpipe is its CPU device.
BUILD_DIR ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
export RUSTICL_ENABLE ?= llvmpipe
# The CPU stand-ins for two vendors' OpenCL compilers must be present in a test run:
# a run where every OpenCL test skipped would prove nothing.
export LOWP_REQUIRE_DEVICES ?= pocl,rusticl

.PHONY: all deps build run test clean

all: build

deps:
	@sh scripts/install-deps.sh

build: deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BUILD_DIR) -j$(JOBS)

run: build
	./$(BUILD_DIR)/lowp devices
	mkdir -p out
	./$(BUILD_DIR)/lowp bench --all --json out/bench.jsonl
	@echo "results: out/bench.jsonl"

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j$(JOBS)

clean:
	rm -rf $(BUILD_DIR) out

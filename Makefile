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

# The main job: nanoGPT's CPU-sized `small` config on tinyshakespeare, on the best device.
# The full preset: 2000 steps (nanoGPT), about 3.5 minutes on a quiet 2-core CPU (8k tokens/s),
# seconds on a GPU. `make run RUN_STEPS=500` is a quicker look (cosine over those steps).
RUN_STEPS ?= 2000
RUN_OUT ?= out/small
# OpenMP threads that spin while waiting cost 10x on a busy shared machine.
export OMP_WAIT_POLICY ?= passive

run: build
	./$(BUILD_DIR)/lowp devices
	./$(BUILD_DIR)/lowp train --preset small --device best --steps $(RUN_STEPS) --eval-every 100 --out $(RUN_OUT)
	./$(BUILD_DIR)/lowp sample --out $(RUN_OUT) --tokens 400
	@echo "results: $(RUN_OUT)/results.json  plot: $(RUN_OUT)/loss.svg  log: $(RUN_OUT)/log.jsonl"

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j$(JOBS)

clean:
	rm -rf $(BUILD_DIR) out

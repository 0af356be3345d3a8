#!/bin/sh
# gpu_session.sh — what a session with a GPU machine measures, in stages that
# fit the device tool's limits (10 minutes a call, 30 a session; see
# docs/benchmarks.md, "NVIDIA H100"). Usage:
#
#   scripts/gpu_session.sh OUT_DIR STAGE...
#
# Stages, run in the order given, each under its own time limit, output in
# OUT_DIR/STAGE.log and one line per stage in OUT_DIR/stages.txt. A failed
# stage does not stop the next one.
#   build    configure and build (Release) into $BUILD_DIR (build-gpu)
#   test     ctest -L gpu: ops.gpu and train.gpu, every GPU required
#   bench    lowp bench on $DEVICE, all ops, JSON in OUT_DIR/bench.json
#   tune     lowp tune matmul on $DEVICE, JSON in OUT_DIR/tune-matmul.json
#   small    lowp train --preset small, fp32 and nvfp4, runs under OUT_DIR/runs
#   gpt10m   lowp train --preset gpt10m, fp32, checkpointing to $CKPT_DIR and
#            resuming from it, so that several calls of this stage finish the run
#
# Environment: DEVICE (lowp device selector, default nvidia), BUILD_DIR,
# CKPT_DIR (default /tmp/lowp-gpt10m: outside OUT_DIR, a checkpoint is 130 MB),
# LIMIT (seconds per stage, default 540).
# On the device machine, first unpack the OpenCL loader and CLBlast debs:
#   for f in .debs/*.deb; do dpkg -x "$f" /; done; ldconfig
set -u

out=${1:?usage: gpu_session.sh OUT_DIR STAGE...}
shift
[ "$out" = "--run-stage" ] || mkdir -p "$out"
device=${DEVICE:-nvidia}
build=${BUILD_DIR:-build-gpu}
ckpt=${CKPT_DIR:-/tmp/lowp-gpt10m}
limit=${LIMIT:-540}
lowp="./$build/lowp"

stage_build() {
    cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release && cmake --build "$build" -j"$(nproc)" &&
        "$lowp" version && "$lowp" devices && clinfo -l
}

stage_test() {
    (cd "$build" && LOWP_REQUIRE_DEVICES=gpu ctest -L gpu --output-on-failure)
}

stage_bench() {
    "$lowp" bench --device "$device" --json "$out/bench.json"
}

stage_tune() {
    "$lowp" tune matmul --device "$device" --out "$out/tune-matmul.json"
}

stage_small() {
    for r in fp32 nvfp4; do
        "$lowp" train --preset small --device "$device" --recipe "$r" --out "$out/runs/small-$r" || return 1
    done
}

# The gpt10m preset checkpoints every validation; --resume continues the
# run bit-identically where an earlier call of this stage stopped.
stage_gpt10m() {
    resume=""
    [ -f "$ckpt/checkpoint.lowp" ] && resume="--resume"
    "$lowp" train --preset gpt10m --device "$device" --recipe fp32 --out "$ckpt" $resume || return 1
    mkdir -p "$out/runs/gpt10m-fp32" && cp "$ckpt"/log.jsonl "$ckpt"/results.json "$ckpt"/*.svg "$out/runs/gpt10m-fp32/"
}

# One stage in a child shell, so that timeout can stop it.
if [ "$out" = "--run-stage" ]; then
    out=$2
    "stage_$1"
    exit $?
fi

for s in "$@"; do
    case "$s" in
    build | test | bench | tune | small | gpt10m) ;;
    *) echo "gpu_session: unknown stage '$s'" >&2; exit 2 ;;
    esac
done
for s in "$@"; do
    start=$(date +%s)
    echo "== $s (limit ${limit}s)"
    # stdbuf: the log is readable up to the moment a limit cuts a stage off
    timeout "$limit" stdbuf -oL -eL sh "$0" --run-stage "$s" "$out" >"$out/$s.log" 2>&1
    rc=$?
    line="$s rc=$rc $(($(date +%s) - start))s"
    echo "$line" >>"$out/stages.txt"
    tail -n 15 "$out/$s.log"
    echo "$line"
done

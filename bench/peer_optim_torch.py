#!/usr/bin/python3
"""Peer of `lowp bench --op optim`: PyTorch's AdamW on the CPU, same sizes.

Run with Debian's torch (1.13, CPU):
    /usr/bin/python3 bench/peer_optim_torch.py --size-mb 38.15 [--min-time 0.1] [--threads N]

It prints JSON lines with the same fields as `lowp bench --json`: a "copy" line
(tensor.copy_ over the same working set: the roofline) and one line per optimizer
variant. The tensor list matches bench/bench_optim.c: the working set hint
(size-mb rounded down to 4 KiB, as lowp does) divided by 4 bytes, split into 8
equal tensors of shape rows x 32. GB/s counts AdamW's effective bytes exactly as
lowp does: params read + written, grads read, exp_avg and exp_avg_sq read +
written = 28 bytes per parameter. Timing as lowp's: two warm-up steps, then at
least 5 steps and at least --min-time seconds; median and minimum.
"""
import argparse
import datetime
import json
import os
import statistics
import subprocess
import time

import torch

NT, COLS = 8, 32


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "CPU"


def commit():
    here = os.path.dirname(os.path.abspath(__file__))
    try:
        out = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=here, capture_output=True, text=True)
        return out.stdout.strip() or "unknown"
    except OSError:
        return "unknown"


def measure(fn, min_seconds):
    fn()
    fn()
    times = []
    start = time.perf_counter()
    while len(times) < 5 or time.perf_counter() - start < min_seconds:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), min(times), len(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size-mb", type=float, default=38.15)
    ap.add_argument("--min-time", type=float, default=0.25)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)

    nbytes = int(args.size_mb * 1048576.0) & ~4095
    rows = max(1, nbytes // 4 // NT // COLS)
    n = rows * COLS * NT
    base = {
        "date": datetime.datetime.now().strftime("%Y-%m-%dT%H:%M:%S"),
        "device": "torch-cpu",
        "name": cpu_name(),
        "platform": "PyTorch " + torch.__version__,
        "driver": "%d threads" % torch.get_num_threads(),
        "commit": commit(),
    }

    def emit(op, variant, elements, nbytes_moved, med, mn, runs, roofline):
        gbs = nbytes_moved / med / 1e9
        if roofline == 0.0:  # the copy row is its own roofline, as in lowp bench
            roofline = gbs
        rec = dict(base)
        rec.update({"op": op, "variant": variant, "elements": elements, "bytes": nbytes_moved, "flops": 0,
                    "seconds": med, "seconds_min": mn, "runs": runs, "gb_per_s": round(gbs, 4),
                    "roofline": "copy", "roofline_gb_per_s": round(roofline, 4),
                    "share": round(gbs / roofline, 4) if roofline > 0 else 0.0})
        print(json.dumps(rec), flush=True)
        return gbs

    # The roofline: a copy of the working set, like lowp's "copy" row.
    a = torch.full((nbytes // 4,), 0.25)
    b = torch.empty_like(a)
    med, mn, runs = measure(lambda: b.copy_(a), args.min_time)
    roofline = emit("copy", "", nbytes // 4, 2 * nbytes, med, mn, runs, 0.0)
    del a, b

    for foreach in (True, False):
        params = [torch.full((rows, COLS), 0.5, requires_grad=True) for _ in range(NT)]
        for p in params:
            p.grad = torch.full_like(p, 1e-3)
        opt = torch.optim.AdamW(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, foreach=foreach)
        med, mn, runs = measure(opt.step, args.min_time)
        emit("optim_AdamW", "torch foreach=%s, %.1fM params, %d tensors" % (foreach, n / 1e6, NT), n, 28 * n,
             med, mn, runs, roofline)
        del opt, params


if __name__ == "__main__":
    with torch.no_grad():
        main()

#!/usr/bin/env python3
"""Print the docs/results.md tables from `lowp train` output directories.

usage: scripts/results_table.py BASELINE_DIR RUN_DIR [RUN_DIR ...]

For every run: validation loss at each evaluated step (log.jsonl "val"
records), the final and best validation loss and tokens/s (results.json),
and the gap to the baseline run at the same step."""
import json
import os
import sys


def load(run):
    vals = {}
    with open(os.path.join(run, "log.jsonl")) as f:
        for line in f:
            r = json.loads(line)
            if r.get("type") == "val":
                vals[r["step"]] = r["val_loss"]
    with open(os.path.join(run, "results.json")) as f:
        res = json.load(f)
    return vals, res


def label(res):
    c = res["config"]
    parts = [c["recipe"]]
    if c["recipe"] == "nvfp4":
        if not c.get("rht", True):
            parts.append("no RHT")
        if not c.get("sr", True):
            parts.append("no SR")
    if c.get("bf16_tail"):
        parts.append("bf16 tail %d" % c["bf16_tail"])
    if c.get("pqt_bits"):
        parts.append("pqt %d" % c["pqt_bits"])
    parts.append(c["optim"])
    if c.get("seed", 1337) != 1337:
        parts.append("seed %d" % c["seed"])
    return ", ".join(parts)


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    base_vals, _ = load(argv[1])
    print("| run | steps | val loss @1000 | vs baseline @1000 | final val loss | vs baseline (same step) | best | tok/s |")
    print("|---|---|---|---|---|---|---|---|")
    for run in argv[2:]:
        vals, res = load(run)
        steps = res["steps"]
        final = res["final_val_loss"]
        at1k = vals.get(1000)
        def gap(v, step):
            b = base_vals.get(step)
            return "" if v is None or b is None else "%+.2f%%" % (100.0 * (v - b) / b)
        print("| %s | %d | %s | %s | %.4f | %s | %.4f (step %d) | %.0f |" % (
            label(res), steps, "%.4f" % at1k if at1k is not None else "", gap(at1k, 1000), final,
            gap(final, steps), res["best_val_loss"], res["best_val_step"], res["tokens_per_s"]))


if __name__ == "__main__":
    main(sys.argv)

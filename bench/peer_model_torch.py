#!/usr/bin/env python3
"""peer_model_torch.py - the peer of `lowp bench --op model`: the same model
(nanoGPT shakespeare_char: 6 layers, 6 heads, width 384, context 256, vocab 65,
dropout 0.2, GPT-2 style with biases and a tied head) in PyTorch eager fp32 on
the CPU, forward + backward per step, in tokens/s. Prints one JSON line per
batch size with the fields lowp bench writes (op, variant, elements, seconds,
seconds_min, runs) plus tokens_per_s.

  /usr/bin/python3 bench/peer_model_torch.py [--batch 4 32] [--steps 2] [--threads 2]
"""
import argparse
import json
import math
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, C, H, p):
        super().__init__()
        self.H, self.p = H, p
        self.ln_1, self.ln_2 = nn.LayerNorm(C), nn.LayerNorm(C)
        self.c_attn, self.c_proj = nn.Linear(C, 3 * C), nn.Linear(C, C)
        self.c_fc, self.mlp_proj = nn.Linear(C, 4 * C), nn.Linear(4 * C, C)

    def forward(self, x):
        B, T, C = x.shape
        q, k, v = self.c_attn(self.ln_1(x)).split(C, dim=2)
        q, k, v = (t.view(B, T, self.H, C // self.H).transpose(1, 2) for t in (q, k, v))
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        mask = torch.ones(T, T, dtype=torch.bool).tril()
        att = F.dropout(att.masked_fill(~mask, float("-inf")).softmax(-1), self.p, self.training)
        y = (att @ v).transpose(1, 2).reshape(B, T, C)
        x = x + F.dropout(self.c_proj(y), self.p, self.training)
        h = F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh")
        return x + F.dropout(self.mlp_proj(h), self.p, self.training)


class GPT(nn.Module):
    def __init__(self, V=65, L=6, C=384, H=6, T=256, p=0.2):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(V, C), nn.Embedding(T, C)
        self.h = nn.ModuleList(Block(C, H, p) for _ in range(L))
        self.ln_f, self.p = nn.LayerNorm(C), p

    def forward(self, idx, tgt):
        x = F.dropout(self.wte(idx) + self.wpe(torch.arange(idx.shape[1])), self.p, self.training)
        for b in self.h:
            x = b(x)
        logits = self.ln_f(x) @ self.wte.weight.t()
        return F.cross_entropy(logits.view(-1, logits.size(-1)), tgt.view(-1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", type=int, nargs="+", default=[4, 32])
    ap.add_argument("--steps", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = GPT()
    model.train()
    for B in a.batch:
        idx = torch.randint(0, 65, (B, 256))
        tgt = torch.randint(0, 65, (B, 256))
        times = []
        for step in range(a.steps + 1):  # the first step warms up
            t0 = time.perf_counter()
            model.zero_grad(set_to_none=True)
            model(idx, tgt).backward()
            if step > 0:
                times.append(time.perf_counter() - t0)
        med = statistics.median(times)
        print(json.dumps({"device": "cpu", "name": "PyTorch %s eager fp32, %d threads" % (torch.__version__, a.threads),
                          "op": "model fwd+bwd", "variant": "nanoGPT-10.7M B%d T256 (torch)" % B,
                          "elements": B * 256, "seconds": med, "seconds_min": min(times), "runs": len(times),
                          "tokens_per_s": B * 256 / med}), flush=True)


if __name__ == "__main__":
    main()

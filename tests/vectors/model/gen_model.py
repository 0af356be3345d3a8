#!/usr/bin/env python3
"""gen_model.py - whole-model reference vectors for lowp's transformer, from PyTorch.

For each tiny configuration below this script draws parameters, a token batch
and targets, runs the same decoder-only transformer written directly in
PyTorch (float64, autograd) and writes ONE safetensors file <name>.safetensors:

  parameters    under lowp's (nanoGPT) names, F32, e.g. transformer.h.0.attn.c_attn.weight
  io.tokens     I32 [batch, seq]
  io.targets    I32 [batch, seq]
  io.logits     F32 [batch*seq, vocab]
  io.loss       F32 [1]          mean cross-entropy
  grad.<name>   F32              d loss / d parameter, for every parameter

The file format is safetensors: 8-byte little-endian header length N, N bytes
of JSON header {name: {dtype, shape, data_offsets}}, then the raw little-endian
data. It is written by hand below (no safetensors package needed).

The model (docs/model.md): x = wte[tok] (+ wpe[t]); per block
x += c_proj(attn(rope?(c_attn(norm1(x))))); x += mlp_proj(act(c_fc(norm2(x))));
logits = norm_f(x) @ head^T. Norm is layernorm or rmsnorm (eps 1e-5), act is
GELU (tanh) or SwiGLU (c_fc rows = [gate; up]), rope pairs i with i+hs/2,
angle t*10000^(-2i/hs). Causal softmax attention, scale 1/sqrt(hs). No dropout.

Run: /usr/bin/python3 tests/vectors/model/gen_model.py   (Debian torch 1.13 CPU)
"""
import json
import math
import os
import struct

import numpy as np
import torch
import torch.nn.functional as F

OUT = os.path.dirname(os.path.abspath(__file__))

# name, vocab, layers, dim, heads, context, norm, mlp, pos, tied, bias  (batch 2, seq = context)
CONFIGS = [
    ("gpt2", 64, 2, 16, 2, 8, "layernorm", "gelu", "learned", True, True),
    ("llama", 64, 2, 16, 2, 8, "rmsnorm", "swiglu", "rope", False, False),
    ("mixed", 64, 2, 16, 4, 8, "layernorm", "swiglu", "rope", True, True),
]
BATCH = 2
EPS = 1e-5


def param_specs(V, L, C, T, norm, mlp, pos, tied, bias):
    """(name, shape, kind) in lowp's order; kind: w (matrix), g (gain), b (bias)."""
    F_ = 4 * C
    fc_out = 2 * F_ if mlp == "swiglu" else F_
    nb = bias and norm == "layernorm"
    s = [("transformer.wte.weight", (V, C), "w")]
    if pos == "learned":
        s.append(("transformer.wpe.weight", (T, C), "w"))
    for l in range(L):
        p = f"transformer.h.{l}."
        s.append((p + "ln_1.weight", (C,), "g"))
        if nb:
            s.append((p + "ln_1.bias", (C,), "b"))
        s.append((p + "attn.c_attn.weight", (3 * C, C), "w"))
        if bias:
            s.append((p + "attn.c_attn.bias", (3 * C,), "b"))
        s.append((p + "attn.c_proj.weight", (C, C), "w"))
        if bias:
            s.append((p + "attn.c_proj.bias", (C,), "b"))
        s.append((p + "ln_2.weight", (C,), "g"))
        if nb:
            s.append((p + "ln_2.bias", (C,), "b"))
        s.append((p + "mlp.c_fc.weight", (fc_out, C), "w"))
        if bias:
            s.append((p + "mlp.c_fc.bias", (fc_out,), "b"))
        s.append((p + "mlp.c_proj.weight", (C, F_), "w"))
        if bias:
            s.append((p + "mlp.c_proj.bias", (C,), "b"))
    s.append(("transformer.ln_f.weight", (C,), "g"))
    if nb:
        s.append(("transformer.ln_f.bias", (C,), "b"))
    if not tied:
        s.append(("lm_head.weight", (V, C), "w"))
    return s


def norm(x, g, b, kind):
    if kind == "layernorm":
        return F.layer_norm(x, (x.shape[-1],), g, b, EPS)
    y = x * torch.rsqrt((x * x).mean(-1, keepdim=True) + EPS) * g
    return y + b if b is not None else y


def rope_tables(T, hs):
    half = hs // 2
    t = np.arange(T, dtype=np.float64)[:, None]
    i = np.arange(half, dtype=np.float64)[None, :]
    ang = t * np.power(10000.0, -2.0 * i / hs)
    # lowp keeps the table in fp32: round the same way
    cos = torch.tensor(np.cos(ang).astype(np.float32), dtype=torch.float64)
    sin = torch.tensor(np.sin(ang).astype(np.float32), dtype=torch.float64)
    return cos, sin


def rope(x, cos, sin):  # x: B, H, T, hs
    half = x.shape[-1] // 2
    a, b = x[..., :half], x[..., half:]
    return torch.cat([a * cos - b * sin, b * cos + a * sin], dim=-1)


def forward(P, cfg, tok, tgt):
    name, V, L, C, H, T, nk, mlp, pos, tied, bias = cfg
    B, S = tok.shape
    hs = C // H
    g = lambda n: P.get(n)
    x = P["transformer.wte.weight"][tok]
    if pos == "learned":
        x = x + P["transformer.wpe.weight"][:S]
    mask = torch.ones(S, S, dtype=torch.bool).tril()
    if pos == "rope":
        cos, sin = rope_tables(S, hs)
    for l in range(L):
        p = f"transformer.h.{l}."
        h = norm(x, g(p + "ln_1.weight"), g(p + "ln_1.bias"), nk)
        qkv = F.linear(h, P[p + "attn.c_attn.weight"], g(p + "attn.c_attn.bias"))
        q, k, v = (t.view(B, S, H, hs).transpose(1, 2) for t in qkv.split(C, dim=-1))
        if pos == "rope":
            q, k = rope(q, cos, sin), rope(k, cos, sin)
        att = (q @ k.transpose(-2, -1)) / math.sqrt(hs)
        att = att.masked_fill(~mask, float("-inf")).softmax(-1)
        y = (att @ v).transpose(1, 2).reshape(B, S, C)
        x = x + F.linear(y, P[p + "attn.c_proj.weight"], g(p + "attn.c_proj.bias"))
        h = norm(x, g(p + "ln_2.weight"), g(p + "ln_2.bias"), nk)
        f = F.linear(h, P[p + "mlp.c_fc.weight"], g(p + "mlp.c_fc.bias"))
        if mlp == "gelu":
            a = F.gelu(f, approximate="tanh")
        else:
            gate, up = f.chunk(2, dim=-1)
            a = F.silu(gate) * up
        x = x + F.linear(a, P[p + "mlp.c_proj.weight"], g(p + "mlp.c_proj.bias"))
    x = norm(x, P["transformer.ln_f.weight"], g("transformer.ln_f.bias"), nk)
    head = P["transformer.wte.weight"] if tied else P["lm_head.weight"]
    logits = F.linear(x, head).reshape(B * S, V)
    loss = F.cross_entropy(logits, tgt.reshape(-1))
    return logits, loss


def write_safetensors(path, tensors):
    """tensors: list of (name, numpy array of float32 or int32)."""
    header, blobs, off = {}, [], 0
    for name, a in tensors:
        a = np.ascontiguousarray(a)
        dt = {np.dtype("float32"): "F32", np.dtype("int32"): "I32"}[a.dtype]
        raw = a.astype(a.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": dt, "shape": list(a.shape), "data_offsets": [off, off + len(raw)]}
        blobs.append(raw)
        off += len(raw)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def main():
    for ci, cfg in enumerate(CONFIGS):
        name, V, L, C, H, T, nk, mlp, pos, tied, bias = cfg
        gen = torch.Generator().manual_seed(1234 + ci)
        specs = param_specs(V, L, C, T, nk, mlp, pos, tied, bias)
        P32 = {}
        for pname, shape, kind in specs:
            r = torch.randn(shape, generator=gen, dtype=torch.float32)
            P32[pname] = {"w": 0.15 * r, "g": 1.0 + 0.2 * r, "b": 0.1 * r}[kind]
        tok = torch.randint(0, V, (BATCH, T), generator=gen)
        tgt = torch.randint(0, V, (BATCH, T), generator=gen)
        P = {k: v.double().requires_grad_(True) for k, v in P32.items()}
        logits, loss = forward(P, cfg, tok, tgt)
        loss.backward()
        out = [(k, v.numpy()) for k, v in P32.items()]
        out += [("io.tokens", tok.int().numpy()), ("io.targets", tgt.int().numpy()),
                ("io.logits", logits.detach().float().numpy()),
                ("io.loss", np.array([loss.item()], dtype=np.float32))]
        out += [("grad." + k, P[k].grad.float().numpy()) for k in P32]
        path = os.path.join(OUT, name + ".safetensors")
        write_safetensors(path, out)
        print(f"{name}: loss {loss.item():.6f}, {len(P32)} tensors, {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    main()

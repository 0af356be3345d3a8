#!/usr/bin/env python3
"""gen_hadamard.py — independent reference vectors for the lowp Hadamard op.

Independent of the C code: Sylvester matrices come from scipy.linalg.hadamard
(natural order: row i, column j = (-1)^popcount(i & j)), the small orders
12/20/28 from a separate numpy Paley construction below (quadratic residues
found by squaring, not by Euler's criterion), the Kronecker product from
np.kron, the Philox words from a Python Philox4x32-10 checked against the
Random123 known answers, and bf16 rounding from torch (c10::BFloat16, RNE).
Products are explicit float64 matrix products, rounded once to float32.

Run:  /work/venv-hadamard/bin/python gen_hadamard.py > hadamard_vectors.txt
(venv: python3 -m venv --system-site-packages; pip install scipy; torch is
Debian's system torch 1.13.)

File format (plain text, '#' lines are comments, one case per block):
  case <name>
  desc <rows> <cols> <ld_in> <ld_out> <dtype_in> <dtype_out> <axis> <block>
       <scale_mode> <scale> <sign_mode> <seed> <stream> <inverse>
      (one line; enums use the numeric values of include/lowp/hadamard.h;
       scale is a C99 hex float; seed/stream decimal)
  signs <w0> <w1> ...           only for sign_mode 2 (USER): packed 32-bit
                                words in hex, bit j%32 of word j/32 set = -1
  x <count> <v0> <v1> ...       the whole input buffer, count =
                                (rows-1)*ld_in + cols elements (padding too);
                                f32 as hex floats, bf16 as 4 hex digits
  y <count> <v0> ...            expected output, dense rows*cols in row-major
                                order (padding is not listed)
  end
"""
import sys

import numpy as np
import scipy.linalg
import torch

MASK = 0xFFFFFFFF


# ---------------------------------------------------------------- Philox
def philox4x32(ctr, key, rounds=10):
    c0, c1, c2, c3 = ctr
    k0, k1 = key
    for r in range(rounds):
        if r:
            k0 = (k0 + 0x9E3779B9) & MASK
            k1 = (k1 + 0xBB67AE85) & MASK
        p0 = 0xD2511F53 * c0
        p1 = 0xCD9E8D57 * c2
        c0, c1, c2, c3 = ((p1 >> 32) ^ c1 ^ k0) & MASK, p1 & MASK, ((p0 >> 32) ^ c3 ^ k1) & MASK, p0 & MASK
    return [c0, c1, c2, c3]


def philox_word(seed, stream, index):
    q = index // 4
    out = philox4x32([q & MASK, q >> 32, stream & MASK, stream >> 32], [seed & MASK, seed >> 32])
    return out[index % 4]


assert philox4x32([0, 0, 0, 0], [0, 0]) == [0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8]
assert philox4x32([MASK] * 4, [MASK] * 2) == [0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD]
assert philox4x32([0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344], [0xA4093822, 0x299F31D0]) == \
    [0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1]


# ---------------------------------------------------------------- matrices
def jacobsthal(q):
    squares = {(k * k) % q for k in range(1, q)}
    chi = np.array([0] + [1 if a in squares else -1 for a in range(1, q)])
    idx = np.arange(q)
    return chi[(idx[None, :] - idx[:, None]) % q]        # Q[i, j] = chi(j - i)


def paley1(q):                                          # q = 3 mod 4, order q+1
    s = np.zeros((q + 1, q + 1), dtype=np.int64)
    s[0, 1:] = 1
    s[1:, 0] = -1
    s[1:, 1:] = jacobsthal(q)
    return s + np.eye(q + 1, dtype=np.int64)


def paley2(q):                                          # q = 1 mod 4, order 2(q+1)
    c = np.zeros((q + 1, q + 1), dtype=np.int64)
    c[0, 1:] = 1
    c[1:, 0] = 1
    c[1:, 1:] = jacobsthal(q)
    zero_blk = np.array([[1, -1], [-1, -1]])
    one_blk = np.array([[1, 1], [1, -1]])
    return np.kron(c, one_blk) + np.kron((c == 0).astype(np.int64), zero_blk)


SMALL = {1: np.ones((1, 1), dtype=np.int64), 12: paley1(11), 20: paley1(19), 28: paley2(13)}
for _m, _h in SMALL.items():
    assert (_h @ _h.T == _m * np.eye(_m)).all()


def full_matrix(n):
    for m in (12, 20, 28, 1):
        if n % m == 0 and (n // m) & (n // m - 1) == 0:
            return np.kron(SMALL[m], scipy.linalg.hadamard(n // m)).astype(np.float64)
    raise ValueError(n)


# ---------------------------------------------------------------- cases
F32, BF16 = 0, 1
ROWS, COLS = 0, 1
ORTHO, NONE, CUSTOM = 0, 1, 2
S_NONE, S_PHILOX, S_USER = 0, 1, 2

rng = np.random.default_rng(20261123)


def bf16_bits(values):
    t = torch.tensor([float(v) for v in values], dtype=torch.float32).to(torch.bfloat16)
    return [int(b) & 0xFFFF for b in t.view(torch.int16).tolist()]


def bf16_value(bits):
    return np.frombuffer(np.array([b << 16 for b in bits], dtype=np.uint32).tobytes(), dtype=np.float32)


def emit(name, rows, cols, x, *, ld_in=None, ld_out=None, din=F32, dout=F32, axis=ROWS, block=0,
         scale_mode=ORTHO, scale=1.0, sign_mode=S_NONE, seed=0, stream=0, inverse=0, user_signs=None):
    ld_in = ld_in or cols
    ld_out = ld_out or cols
    extent = cols if axis == ROWS else rows
    n = block or extent
    count = (rows - 1) * ld_in + cols
    # x: the dense matrix values (float32 or bf16-representable); padding gets junk.
    x = np.asarray(x, dtype=np.float32).reshape(rows, cols)
    if din == BF16:
        xbits = np.array(bf16_bits(x.ravel())).reshape(rows, cols)
        x = bf16_value(xbits.ravel()).reshape(rows, cols)
    if sign_mode == S_PHILOX:
        s = np.array([-1.0 if philox_word(seed, stream, j) >> 31 else 1.0 for j in range(n)])
    elif sign_mode == S_USER:
        s = np.array(user_signs, dtype=np.float64)
    else:
        s = np.ones(n)
    h = full_matrix(n)
    c = 1.0 / np.sqrt(n) if scale_mode == ORTHO else (1.0 if scale_mode == NONE else float(np.float32(scale)))
    xm = x.astype(np.float64) if axis == ROWS else x.astype(np.float64).T
    blocks = xm.reshape(xm.shape[0], extent // n, n)
    if inverse:
        ym = c * s * np.einsum('ji,lbj->lbi', h, blocks)          # y = c * diag(s) H^T v
    else:
        ym = c * np.einsum('ij,lbj->lbi', h, s * blocks)           # y = c * H diag(s) v
    ym = ym.reshape(xm.shape)
    y = (ym if axis == ROWS else ym.T).astype(np.float32)          # one RNE rounding to fp32

    out = [f"case {name}",
           f"desc {rows} {cols} {ld_in} {ld_out} {din} {dout} {axis} {block} {scale_mode} "
           f"{float(np.float32(scale)).hex()} {sign_mode} {seed} {stream} {inverse}"]
    if sign_mode == S_USER:
        words = [0] * ((n + 31) // 32)
        for j, v in enumerate(user_signs):
            if v < 0:
                words[j // 32] |= 1 << (j % 32)
        out.append("signs " + " ".join(f"{w:08x}" for w in words))
    buf = []
    for r in range(rows):
        for k in range(ld_in if r < rows - 1 else cols):
            if k < cols:
                buf.append(f"{int(xbits[r, k]):04x}" if din == BF16 else float(x[r, k]).hex())
            else:
                buf.append("7fc1" if din == BF16 else "nan")  # NaN padding: must never be read
    assert len(buf) == count
    out.append(f"x {count} " + " ".join(buf))
    if dout == BF16:
        ys = [f"{b:04x}" for b in bf16_bits(y.ravel())]
    else:
        ys = [float(v).hex() for v in y.ravel()]
    out.append(f"y {rows * cols} " + " ".join(ys))
    out.append("end")
    print("\n".join(out))


def normal(*shape):
    return rng.standard_normal(shape).astype(np.float32)


TE_SIGNS = [1, 1, 1, -1, 1, -1, -1, -1, -1, -1, -1, 1, -1, 1, -1, -1]

print("# lowp Hadamard reference vectors, generated by gen_hadamard.py (see its docstring)")
# Known answers (docs/reference/formats.md 4.2).
emit("n16_iota", 1, 16, np.arange(1, 17))
emit("n16_iota_te_signs", 1, 16, np.arange(1, 17), sign_mode=S_USER, user_signs=TE_SIGNS)
# Sylvester sizes, natural order.
for k in range(1, 11):
    n = 1 << k
    emit(f"syl_n{n}", 2 if n <= 256 else 1, n, normal(2 if n <= 256 else 1, n))
# Non-power-of-two orders: H_m kron H_2^k.
for n in (12, 24, 48, 96, 20, 40, 80, 28, 56, 112):
    emit(f"kron_n{n}", 2, n, normal(2, n))
    emit(f"kron_n{n}_inv", 1, n, normal(1, n), inverse=1)
# Scales.
emit("n32_unnormalized", 2, 32, normal(2, 32), scale_mode=NONE)
emit("n8_custom", 3, 8, normal(3, 8), scale_mode=CUSTOM, scale=0.3)
emit("n12_custom_inv", 2, 12, normal(2, 12), scale_mode=CUSTOM, scale=-1.75, inverse=1)
# Randomized Hadamard, Philox signs.
emit("n64_philox", 3, 64, normal(3, 64), sign_mode=S_PHILOX, seed=0x0123456789ABCDEF, stream=42)
emit("n128_philox_inv", 2, 128, normal(2, 128), sign_mode=S_PHILOX, seed=7, stream=(1 << 40) + 3, inverse=1)
emit("n20_philox", 2, 20, normal(2, 20), sign_mode=S_PHILOX, seed=99, stream=1)
# Block-diagonal along rows with strides, and along columns (NVFP4 16x16 use).
emit("blk16_rows_strided", 4, 64, normal(4, 64), ld_in=70, ld_out=66, block=16, sign_mode=S_PHILOX, seed=5, stream=6)
emit("blk32_rows", 2, 96, normal(2, 96), block=32)
emit("blk16_cols_te", 48, 5, normal(48, 5), ld_in=7, axis=COLS, block=16, sign_mode=S_USER, user_signs=TE_SIGNS)
emit("blk12_cols_inv", 24, 3, normal(24, 3), axis=COLS, block=12, inverse=1)
emit("full_cols_n32", 32, 3, normal(32, 3), axis=COLS)
# bf16 storage.
emit("bf16_in_out_n64", 2, 64, normal(2, 64), din=BF16, dout=BF16)
emit("bf16_in_f32_out_n32", 2, 32, normal(2, 32), din=BF16, dout=F32, sign_mode=S_PHILOX, seed=1, stream=2)
emit("f32_in_bf16_out_n256", 1, 256, normal(1, 256), din=F32, dout=BF16)
emit("bf16_blk16_cols", 32, 4, normal(32, 4), din=BF16, dout=BF16, axis=COLS, block=16, inverse=1,
     sign_mode=S_PHILOX, seed=3, stream=4)

#!/usr/bin/env python3
"""Reference trajectories for lowp's optimizers (tests/test_optim_host.c).

Run:  /work/venv-optim/bin/python tests/vectors/optim/gen_optim.py
(venv made with --system-site-packages over Debian's torch 1.13; extra
packages installed with --no-deps: lion-pytorch 0.2.5, sophia-opt 0.2.2.)

Sources of truth, per optimizer:
  SGD, AdamW        torch.optim.SGD / torch.optim.AdamW (torch 1.13)
  Lion              lion_pytorch.Lion (lucidrains; same maths as google/automl)
  Sophia-G          sophia_opt.SophiaG (PyPI "community package of the official
                    implementation"; its step() is Liuhong99/Sophia sophia.py)
  LAMB              small torch reference written here following TF-Addons'
                    LAMB (TF is not installable next to torch 1.13 here);
                    pytorch-optimizer's Lamb is v3-style, not TFA.
  SPAM, Stable-SPAM small torch references written here following the official
                    code (TianjinYellow/SPAM-Optimizer, TianjinYellow/StableSPAM)
                    as restated in docs/reference/optimizers.md §7/§8;
                    pytorch-optimizer's ports deviate (see that file §13).
  SWAN, SinkGD      small NumPy float64 references (no official code exists).

All hyperparameters are rounded to float32 first so that Python's double
scalars equal lowp's (double)float fields.

File format (all little-endian):
  grads.bin  : char[8] "LOWPOPTG"; u32 n_tensors; u32 n_steps;
               n_tensors x (u32 rows, u32 cols);
               f32 init[total]                 initial parameters
               f32 grad[n_steps][total]        gradient of each step
               f32 gnb[n_steps][total]         Sophia GNB gradient after each step
  <case>.bin : char[8] "LOWPOPTT"; u32 n_steps; u32 total;
               f32 param[n_steps][total]       parameters after each step
  Tensors are concatenated in order, row-major; total = sum rows*cols.
  clip.bin (case "clip"): the gradients of each step after
  torch.nn.utils.clip_grad_norm_(max_norm=2.0), same layout as <case>.bin.
  The case table (names, hyperparameters, tensor flags) is duplicated in
  tests/test_optim_host.c; keep both in sync.
"""
import math
import os
import struct

import numpy as np
import torch

OUT = os.path.dirname(os.path.abspath(__file__))
SHAPES = [(8, 6), (1, 6), (5, 4), (1, 1)]   # 2-D, 1-D (bias), 2-D, 1-element
NSTEPS = 24
BIAS = 1                                     # index of the 1-D tensor


def f32(x):
    return float(np.float32(x))


def make_data():
    rs = np.random.RandomState(20261123)
    init, grads, gnbs = [], [], []
    for k, (r, c) in enumerate(SHAPES):
        w = rs.standard_normal((r, c)).astype(np.float32) * np.float32(0.5)
        if k == BIAS:
            w[:] = 0.0                          # zero bias: LAMB ratio = 1 case
        init.append(w)
    for s in range(NSTEPS):
        gs, hs = [], []
        for k, (r, c) in enumerate(SHAPES):
            g = (rs.standard_normal((r, c)) * 0.1 + 0.02 * math.sin(s)).astype(np.float32)
            if s == 12 and k == 0:              # a spike (SPAM / Stable-SPAM clipping)
                g[1, 2] *= 60.0
                g[4, 0] *= -40.0
            if s == 17 and k == 2:
                g[0, 0] *= 80.0
            gs.append(g)
            hs.append((rs.standard_normal((r, c)) * 0.05).astype(np.float32))
        grads.append(gs)
        gnbs.append(hs)
    return init, grads, gnbs


def write_grads(init, grads, gnbs):
    with open(os.path.join(OUT, "grads.bin"), "wb") as f:
        f.write(b"LOWPOPTG")
        f.write(struct.pack("<II", len(SHAPES), NSTEPS))
        for r, c in SHAPES:
            f.write(struct.pack("<II", r, c))
        f.write(np.concatenate([w.ravel() for w in init]).astype("<f4").tobytes())
        for gs in grads:
            f.write(np.concatenate([g.ravel() for g in gs]).astype("<f4").tobytes())
        for hs in gnbs:
            f.write(np.concatenate([h.ravel() for h in hs]).astype("<f4").tobytes())


def write_traj(name, traj):
    with open(os.path.join(OUT, name + ".bin"), "wb") as f:
        total = traj[0].size
        f.write(b"LOWPOPTT")
        f.write(struct.pack("<II", len(traj), total))
        for x in traj:
            f.write(x.astype("<f4").tobytes())


def flat(params):
    return np.concatenate([p.detach().numpy().ravel() for p in params])


# ---------------------------------------------------------------- torch.optim
def run_torch(init, grads, make_opt, after_step=None):
    params = [torch.nn.Parameter(torch.tensor(w)) for w in init]
    opt = make_opt(params)
    traj = []
    for s, gs in enumerate(grads):
        for p, g in zip(params, gs):
            p.grad = torch.tensor(g)
        opt.step()
        if after_step:
            after_step(opt, params, s)
        traj.append(flat(params))
    return traj


# ------------------------------------------------------- LAMB (TF-Addons rules)
class LambTFA:
    def __init__(self, params, lr, b1, b2, eps, wd, excluded, bias_correction=True):
        self.p, self.lr, self.b1, self.b2, self.eps, self.wd = params, lr, b1, b2, eps, wd
        self.excl, self.bc, self.t = excluded, bias_correction, 0
        self.m = [torch.zeros_like(p) for p in params]
        self.v = [torch.zeros_like(p) for p in params]

    @torch.no_grad()
    def step(self):
        self.t += 1
        for k, p in enumerate(self.p):
            g, m, v = p.grad, self.m[k], self.v[k]
            m.mul_(self.b1).add_(g, alpha=1 - self.b1)
            v.mul_(self.b2).addcmul_(g, g, value=1 - self.b2)
            c1 = 1 - self.b1 ** self.t if self.bc else 1.0
            c2 = 1 - self.b2 ** self.t if self.bc else 1.0
            u = (m / c1) / ((v / c2).sqrt() + self.eps)
            if k not in self.excl:                     # exclude_from_weight_decay
                u = u.add(p, alpha=self.wd)
            ratio = 1.0
            if k not in self.excl:                     # adaptation list defaults to the decay list
                wn = p.double().norm().item()
                un = u.double().norm().item()
                if wn > 0 and un > 0:
                    ratio = wn / un
            p.add_(u, alpha=-(ratio * self.lr))


# ------------------------------------------------ SPAM (official code's rules)
class SpamRef:
    def __init__(self, params, lr, b1, b2, eps, wd, warmup, threshold, gap, accu):
        self.p, self.lr, self.b1, self.b2, self.eps, self.wd = params, lr, b1, b2, eps, wd
        self.N, self.thr, self.gap, self.accu = warmup, threshold, gap, accu
        self.total_step, self.current_step = 0, warmup + 1
        self.m = [torch.zeros_like(p) for p in params]
        self.v = [torch.zeros_like(p) for p in params]
        self.t = [0] * len(params)

    def death_rate(self, c):
        # CosineDecay(0.99, N): closed-form CosineAnnealingLR, T_max = N+1, 0 after N
        if c >= self.N:
            return 0.0
        return 0.99 * (1 + math.cos(math.pi * c / (self.N + 1))) / 2

    @torch.no_grad()
    def step(self):
        scale = 1 - self.death_rate(self.current_step)
        for k, p in enumerate(self.p):
            if (self.total_step + 1) % self.gap == 0:
                self.m[k] = torch.zeros_like(p)
                self.v[k] = torch.zeros_like(p)
            m, v = self.m[k], self.v[k]
            self.t[k] += 1
            t = self.t[k]
            g = p.grad.clone()
            if self.thr != 0:
                cs = self.total_step + 1
                if cs >= self.accu and cs % self.gap >= self.accu:
                    mask = g ** 2 > self.thr * v
                    g[mask] = g[mask].sign() * torch.sqrt(v[mask] * self.thr)
            m.mul_(self.b1).add_(g, alpha=1 - self.b1)
            v.mul_(self.b2).addcmul_(g, g, value=1 - self.b2)
            denom = v.sqrt().add_(self.eps)
            step_size = self.lr * math.sqrt(1 - self.b2 ** t) / (1 - self.b1 ** t)
            p.add_(m / denom, alpha=-step_size * scale)
            if self.wd > 0:
                p.add_(p, alpha=-self.lr * self.wd)
        self.total_step += 1
        self.current_step += 1
        if (self.total_step + 1) % self.gap == 0:
            self.current_step = 0


# ------------------------------------------ Stable-SPAM (official code's rules)
class StableSpamRef:
    def __init__(self, params, lr, b1, b2, eps, wd, g1, g2, g3, gap, total_T, eta_min, clean=False):
        self.p, self.lr, self.b1, self.b2, self.eps, self.wd = params, lr, b1, b2, eps, wd
        self.g1, self.g2, self.g3, self.gap = g1, g2, g3, gap
        self.total_T, self.eta_min, self.clean, self.T = total_T, eta_min, clean, 0
        n = len(params)
        self.m = [torch.zeros_like(p) for p in params]
        self.v = [torch.zeros_like(p) for p in params]
        self.t = [0] * n
        self.M = [0] * n
        self.mu = [0] * n
        self.nu = [0] * n

    @torch.no_grad()
    def step(self):
        self.T += 1
        sigma = 1.0
        if self.total_T:
            sigma = self.eta_min + (1 - self.eta_min) * (1 + math.cos(math.pi * self.T / (self.total_T + 1))) / 2
        for k, p in enumerate(self.p):
            p.mul_(1 - self.lr * self.wd)
            g = p.grad.clone()
            gmax = g.abs().max()
            self.t[k] += 1
            self.M[k] = self.g3 * self.M[k] + (1 - self.g3) * gmax
            mhat = self.M[k] / (1 - self.g3 ** self.t[k])
            mask = g.abs() > mhat
            g[mask] = g[mask] / gmax * mhat
            n = torch.sqrt(torch.sum(g.double() ** 2)).float()
            g1 = self.g1 * sigma
            self.mu[k] = g1 * self.mu[k] + (1 - g1) * n
            self.nu[k] = self.g2 * self.nu[k] + (1 - self.g2) * (n * n)
            muh = self.mu[k] / (1 - g1 ** self.t[k])
            nuh = self.nu[k] / (1 - self.g2 ** self.t[k])
            c = muh / (torch.sqrt(nuh) + self.eps)
            if n > 0:
                g = g / n * c
            m, v = self.m[k], self.v[k]                   # local aliases (official)
            if self.gap != 0 and self.T % self.gap == 0:
                if self.clean:
                    m.zero_()
                    v.zero_()
                else:
                    self.m[k] = torch.zeros_like(p)       # fresh tensors; m, v still old
                    self.v[k] = torch.zeros_like(p)
                self.t[k] = 1
            b1 = self.b1 * sigma
            c1 = 1 - b1 ** self.t[k]
            c2 = 1 - self.b2 ** self.t[k]
            m.mul_(b1).add_(g, alpha=1 - b1)
            v.mul_(self.b2).addcmul_(g, g, value=1 - self.b2)
            denom = (v.sqrt() / math.sqrt(c2)).add_(self.eps)
            p.addcdiv_(m, denom, value=-self.lr / c1)


def run_custom(init, grads, make):
    params = [torch.tensor(w) for w in init]
    opt = make(params)
    traj = []
    for gs in grads:
        for p, g in zip(params, gs):
            p.grad = torch.tensor(g)
        opt.step()
        traj.append(flat(params))
    return traj


# -------------------------------------------------- SWAN / SinkGD (NumPy, f64)
def swan_dir(G, eps, ns_steps, beta, rescale=True):
    G = G.astype(np.float64)
    R, C = G.shape
    mu = G.mean(axis=1, keepdims=True)
    sd = np.sqrt(((G - mu) ** 2).mean(axis=1, keepdims=True)) + eps
    Gt = (G - mu) / sd
    rows = R <= C
    A = Gt @ Gt.T if rows else Gt.T @ Gt
    fro = np.linalg.norm(A)
    if fro == 0:
        return np.zeros_like(Gt), 0.0
    Y = A / fro
    Z = np.eye(A.shape[0])
    for _ in range(ns_steps):
        T = 3 * np.eye(A.shape[0]) - Z @ Y
        Y, Z = beta * (Y @ T), beta * (T @ Z)
    Winv = Z / math.sqrt(fro)
    D = Winv @ Gt if rows else Gt @ Winv
    scale = np.linalg.norm(Gt) / np.linalg.norm(D) if rescale and np.linalg.norm(D) > 0 else 1.0
    return D, scale


def sinkgd_dir(G, eps, iters):
    X = G.astype(np.float64)
    R, C = X.shape
    for _ in range(iters):
        X = X * (math.sqrt(C) / np.maximum(np.linalg.norm(X, axis=1, keepdims=True), eps))
        X = X * (math.sqrt(R) / np.maximum(np.linalg.norm(X, axis=0, keepdims=True), eps))
    return X


def run_matrix(init, grads, direction, lr, wd):
    params = [w.astype(np.float32).copy() for w in init]
    traj = []
    for gs in grads:
        for k, g in enumerate(gs):
            D, scale = direction(g)
            params[k] = (params[k].astype(np.float64) * (1 - lr * wd) - (lr * scale) * D).astype(np.float32)
        traj.append(np.concatenate([p.ravel() for p in params]))
    return traj


def main():
    init, grads, gnbs = make_data()
    write_grads(init, grads, gnbs)
    T = torch.optim

    def groups(params, wd, excl):
        return [{"params": [p for k, p in enumerate(params) if k not in excl], "weight_decay": wd},
                {"params": [p for k, p in enumerate(params) if k in excl], "weight_decay": 0.0}]

    cases = {}
    cases["sgd_plain"] = run_torch(init, grads, lambda ps: T.SGD(ps, lr=f32(0.05)))
    cases["sgd_momentum"] = run_torch(init, grads, lambda ps: T.SGD(
        ps, lr=f32(0.05), momentum=f32(0.9), dampening=f32(0.1), weight_decay=f32(0.01)))
    cases["sgd_nesterov"] = run_torch(init, grads, lambda ps: T.SGD(
        ps, lr=f32(0.05), momentum=f32(0.9), nesterov=True, weight_decay=f32(0.001)))
    cases["adamw"] = run_torch(init, grads, lambda ps: T.AdamW(
        ps, lr=f32(0.01), betas=(f32(0.9), f32(0.999)), eps=f32(1e-8), weight_decay=f32(0.1)))
    cases["adamw_amsgrad"] = run_torch(init, grads, lambda ps: T.AdamW(
        ps, lr=f32(0.01), betas=(f32(0.8), f32(0.99)), eps=f32(1e-8), weight_decay=f32(0.01), amsgrad=True))
    cases["adamw_excl"] = run_torch(init, grads, lambda ps: T.AdamW(
        groups(ps, f32(0.1), {BIAS, 3}), lr=f32(0.01), betas=(f32(0.9), f32(0.999)), eps=f32(1e-8)))

    from lion_pytorch import Lion
    cases["lion"] = run_torch(init, grads, lambda ps: Lion(
        ps, lr=f32(1e-3), betas=(f32(0.9), f32(0.99)), weight_decay=f32(0.1)))

    cases["lamb"] = run_custom(init, grads, lambda ps: LambTFA(
        ps, f32(0.01), f32(0.9), f32(0.999), f32(1e-6), f32(0.01), {BIAS, 3}))
    cases["lamb_albert"] = run_custom(init, grads, lambda ps: LambTFA(
        ps, f32(0.01), f32(0.9), f32(0.999), f32(1e-6), f32(0.01), set(), bias_correction=False))

    from sophia_opt import SophiaG
    K = 5

    class SophiaStep(SophiaG):
        def step(self, closure=None, bs=5120):
            return super().step(closure, bs=f32(100.0))

    def sophia_refresh(opt, params, s):
        if (s + 1) % K == 0:                  # after updates k, 2k, ... (train_sophiag.py)
            for p, h in zip(params, gnbs[s]):
                p.grad = torch.tensor(h)
            opt.update_hessian()

    cases["sophia"] = run_torch(init, grads, lambda ps: SophiaStep(
        ps, lr=f32(0.01), betas=(f32(0.965), f32(0.99)), rho=f32(0.05), weight_decay=f32(0.1)),
        after_step=sophia_refresh)

    cases["spam"] = run_custom(init, grads, lambda ps: SpamRef(
        ps, f32(0.01), f32(0.9), f32(0.999), f32(1e-6), f32(0.01), 4, f32(50.0), 10, 3))
    cases["stable_spam"] = run_custom(init, grads, lambda ps: StableSpamRef(
        ps, f32(0.01), f32(0.9), f32(0.999), f32(1e-8), f32(0.01), f32(0.7), f32(0.9), f32(0.999),
        10, 0, f32(0.5)))
    cases["stable_spam_decay"] = run_custom(init, grads, lambda ps: StableSpamRef(
        ps, f32(0.01), f32(0.9), f32(0.999), f32(1e-8), 0.0, f32(0.85), f32(0.999), f32(0.999),
        8, 30, f32(0.5)))
    cases["stable_spam_clean"] = run_custom(init, grads, lambda ps: StableSpamRef(
        ps, f32(0.01), f32(0.9), f32(0.999), f32(1e-8), f32(0.01), f32(0.7), f32(0.9), f32(0.999),
        10, 0, f32(0.5), clean=True))

    cases["swan"] = run_matrix(init, grads, lambda g: swan_dir(g, f32(1e-8), 10, 0.5), f32(0.01), 0.0)
    cases["sinkgd"] = run_matrix(init, grads, lambda g: (sinkgd_dir(g, f32(1e-8), 5), f32(0.05)),
                                 f32(0.1), f32(0.01))

    clip = []
    for gs in grads:
        ts = [torch.tensor(g) for g in gs]
        ps = [torch.nn.Parameter(torch.zeros_like(t)) for t in ts]
        for p, t in zip(ps, ts):
            p.grad = t.clone()
        torch.nn.utils.clip_grad_norm_(ps, max_norm=2.0)
        clip.append(flat([p.grad for p in ps]))
    cases["clip"] = clip

    for name, traj in cases.items():
        write_traj(name, traj)
    print("wrote", len(cases), "cases to", OUT)


if __name__ == "__main__":
    main()

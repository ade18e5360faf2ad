#!/usr/bin/python3
"""Train two tiny Llama-architecture models on the King James Bible and export them.

Pipeline (deterministic for a given --seed):
  1. text     : `bible -l100000 gen1:1-rev22:21`, cleaned to one verse per line
                (verse text only, no book/chapter/verse labels).
  2. split    : Isaiah 40-55 (whole chapters, ~51k chars) is held out and written
                to data/kjv-heldout.txt; everything else is the training split.
  3. tokenizer: 1024 ids = <unk>,<s>,</s>, 256 byte tokens (id 3+b), 765 BPE merges
                learned on the training split.  Encoding = greedy-by-score merging
                per line piece (see encode_piece), the exact algorithm the C++ side uses.
  4. models   : kjv-small and kjv-large (llama2.c model.py architecture), AdamW,
                cosine LR, batches of contiguous token windows starting with BOS.
  5. export   : models/kjv-{small,large}.gguf (GGUF v3, F16 matrices, F32 norms),
                models/kjv-small.l2c.bin (llama2.c legacy checkpoint),
                models/kjv-tokenizer.bin (llama2.c tokenizer.bin), models/README.md.

Usage: /usr/bin/python3 tools/train_kjv.py [--quick] [--only small|large]
"""
import argparse
import heapq
import json
import math
import os
import re
import struct
import subprocess
import sys
import time
from collections import Counter

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

TOOLS_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(TOOLS_DIR)
sys.path.insert(0, TOOLS_DIR)
import gguf_write  # noqa: E402

# ---------------------------------------------------------------------------
# configuration
# ---------------------------------------------------------------------------
VOCAB_SIZE = 1024
N_SPECIAL = 3          # <unk>, <s>, </s>
BYTE_BASE = 3          # byte b has id 3 + b
FIRST_MERGE = 259      # first merged token id
UNK_ID, BOS_ID, EOS_ID = 0, 1, 2
SPECIALS = [b"<unk>", b"<s>", b"</s>"]

HELDOUT_BOOK = "Isaiah"
HELDOUT_CHAPTERS = (40, 55)   # inclusive

MODEL_CONFIGS = {
    "large": dict(name="kjv-large", dim=256, n_layers=4, n_heads=8, n_kv_heads=4,
                  hidden_dim=768, vocab_size=VOCAB_SIZE, max_seq_len=256,
                  lr=2e-3, batch_size=8),
    "small": dict(name="kjv-small", dim=96, n_layers=2, n_heads=4, n_kv_heads=2,
                  hidden_dim=256, vocab_size=VOCAB_SIZE, max_seq_len=256,
                  lr=3e-3, batch_size=16),
}
DEFAULT_STEPS = {"large": 560, "small": 400}
QUICK_STEPS = {"large": 6, "small": 6}
TRAIN_SEQ_LEN = 256    # tokens per training window (including the leading BOS)


def log(*a):
    print(*a, flush=True)


# ---------------------------------------------------------------------------
# 1. text extraction
# ---------------------------------------------------------------------------
VERSE_RE = re.compile(r"^ +(\d+) (.*)$")
HEADER_RE = re.compile(r"^(\S.*) (\d+)$")


def load_kjv():
    """Returns a list of (book, chapter, verse, text) for the whole KJV."""
    raw = subprocess.run(["bible", "-l100000", "gen1:1-rev22:21"], check=True,
                         stdout=subprocess.PIPE).stdout.decode("ascii")
    verses = []
    book, chapter = None, None
    for line in raw.split("\n"):
        if not line.strip():
            continue
        m = VERSE_RE.match(line)
        if m:
            if book is None:
                raise ValueError("verse before header: %r" % line)
            text = " ".join(m.group(2).split())
            verses.append((book, chapter, int(m.group(1)), text))
            continue
        m = HEADER_RE.match(line)
        if not m:
            raise ValueError("unexpected line from `bible`: %r" % line)
        book, chapter = m.group(1), int(m.group(2))
    if len(verses) != 31102:
        raise ValueError("expected 31102 verses, got %d" % len(verses))
    return verses


def split_verses(verses):
    lo, hi = HELDOUT_CHAPTERS
    held = [v for v in verses if v[0] == HELDOUT_BOOK and lo <= v[1] <= hi]
    train = [v for v in verses if not (v[0] == HELDOUT_BOOK and lo <= v[1] <= hi)]
    return [v[3] + "\n" for v in train], [v[3] + "\n" for v in held]


# ---------------------------------------------------------------------------
# 2. tokenizer
# ---------------------------------------------------------------------------
PRETOK_RE = re.compile(rb" ?[A-Za-z]+| ?[^A-Za-z ]+| +")


def train_bpe(lines, n_merges):
    """Standard BPE by pair frequency over pre-tokenized chunks (words with their
    leading space, punctuation runs).  Pre-tokenization is used ONLY to find the merges;
    encoding never uses it.  Returns merged byte strings in merge order (all unique).
    When the most frequent pair concatenates to an existing token it is merged in the
    working corpus (the greedy encoder would merge it as well) without spending an id."""
    words = Counter()
    for line in lines:
        for w in PRETOK_RE.findall(line.encode("ascii")):
            words[w] += 1
    wlist = sorted(words.items())                        # deterministic order
    syms = [[bytes([c]) for c in w] for w, _ in wlist]
    freq = [f for _, f in wlist]
    pair_count = Counter()
    where = {}
    for i, s in enumerate(syms):
        for p in zip(s, s[1:]):
            pair_count[p] += freq[i]
            where.setdefault(p, set()).add(i)
    vocab = set(bytes([b]) for b in range(256))
    merges = []
    while len(merges) < n_merges:
        if not pair_count:
            raise RuntimeError("ran out of pairs")
        top = max(pair_count.values())
        best = min(p for p, c in pair_count.items() if c == top)   # ties: smallest pair
        a, b = best
        new = a + b
        if new not in vocab:
            vocab.add(new)
            merges.append(new)
        for i in sorted(where.pop(best, ())):
            s = syms[i]
            for p in zip(s, s[1:]):
                pair_count[p] -= freq[i]
                if pair_count[p] <= 0:
                    del pair_count[p]
            out = []
            j = 0
            while j < len(s):
                if j + 1 < len(s) and s[j] == a and s[j + 1] == b:
                    out.append(new)
                    j += 2
                else:
                    out.append(s[j])
                    j += 1
            syms[i] = out
            for p in zip(out, out[1:]):
                pair_count[p] += freq[i]
                where.setdefault(p, set()).add(i)
        pair_count.pop(best, None)
    return merges


class Tokenizer:
    def __init__(self, merges):
        assert len(merges) == VOCAB_SIZE - FIRST_MERGE
        self.tokens = list(SPECIALS) + [bytes([b]) for b in range(256)] + list(merges)
        self.merge_id = {}
        for t in range(FIRST_MERGE, VOCAB_SIZE):
            bs = self.tokens[t]
            if bs in self.merge_id or len(bs) < 2:
                raise ValueError("merged token bytes not unique / too short: %r" % bs)
            self.merge_id[bs] = t
        self.scores = [0.0] * FIRST_MERGE + [-(t - FIRST_MERGE) for t in range(FIRST_MERGE, VOCAB_SIZE)]
        self.scores = [float(s) for s in self.scores]

    @staticmethod
    def pieces(data):
        """Split after every '\\n' (the '\\n' stays at the end of its piece)."""
        out = []
        start = 0
        while True:
            k = data.find(b"\n", start)
            if k < 0:
                break
            out.append(data[start:k + 1])
            start = k + 1
        if start < len(data):
            out.append(data[start:])
        return out

    def encode_piece(self, piece):
        """Greedy-by-score merging, leftmost on ties.  A heap keyed by (token id, start
        byte offset) gives exactly the same choice as scanning all adjacent pairs each
        round: a higher score means a lower id, and node start offsets are increasing
        along the sequence, so the smallest valid heap entry is the leftmost
        highest-score pair.  Stale entries are detected and dropped."""
        n = len(piece)
        if n == 0:
            return []
        mid = self.merge_id
        sym = [piece[i:i + 1] for i in range(n)]
        nxt = list(range(1, n + 1))
        nxt[-1] = -1
        prv = list(range(-1, n - 1))
        heap = []
        for i in range(n - 1):
            t = mid.get(piece[i:i + 2])
            if t is not None:
                heap.append((t, i, i + 1))
        heapq.heapify(heap)
        tokens = self.tokens
        while heap:
            t, i, j = heapq.heappop(heap)
            if nxt[i] != j or sym[j] is None or sym[i] is None or sym[i] + sym[j] != tokens[t]:
                continue
            sym[i] = tokens[t]
            sym[j] = None
            k = nxt[j]
            nxt[i] = k
            if k >= 0:
                prv[k] = i
                t2 = mid.get(sym[i] + sym[k])
                if t2 is not None:
                    heapq.heappush(heap, (t2, i, k))
            p = prv[i]
            if p >= 0:
                t2 = mid.get(sym[p] + sym[i])
                if t2 is not None:
                    heapq.heappush(heap, (t2, p, i))
        out = []
        i = 0
        while i >= 0:
            s = sym[i]
            out.append(self.merge_id[s] if len(s) > 1 else BYTE_BASE + s[0])
            i = nxt[i]
        return out

    def encode_piece_naive(self, piece):
        """Literal reference implementation of the spec (slow); used for self-tests."""
        ids = [BYTE_BASE + c for c in piece]
        while True:
            best, best_pos = None, -1
            for i in range(len(ids) - 1):
                t = self.merge_id.get(self.tokens[ids[i]] + self.tokens[ids[i + 1]])
                if t is not None and (best is None or self.scores[t] > self.scores[best]):
                    best, best_pos = t, i
            if best is None:
                return ids
            ids[best_pos:best_pos + 2] = [best]

    def encode(self, text, bos=False):
        data = text.encode("utf-8") if isinstance(text, str) else text
        out = [BOS_ID] if bos else []
        for p in self.pieces(data):
            out.extend(self.encode_piece(p))
        return out

    def decode(self, ids):
        return b"".join(self.tokens[i] for i in ids if i >= BYTE_BASE).decode("utf-8", "replace")


def tokenizer_selftest(tok, lines, rng):
    sample = [lines[i] for i in rng.choice(len(lines), 200, replace=False)]
    alphabet = list(b"aeht nsoirdl,.\n:;")
    for _ in range(200):
        sample.append(bytes(rng.choice(alphabet, rng.randint(1, 60))).decode())
    sample += ["", "\n", "\n\n", "aaaaaaaaa", "the the the\nthe"]
    for s in sample:
        a = tok.encode(s)
        b = []
        for p in tok.pieces(s.encode()):
            b.extend(tok.encode_piece_naive(p))
        assert a == b, (s, a, b)
        assert tok.decode(a) == s
    log("tokenizer self-test passed (heap encoder == literal spec on %d strings)" % len(sample))


# ---------------------------------------------------------------------------
# 3. model (llama2.c model.py architecture)
# ---------------------------------------------------------------------------
class Linear(nn.Linear):
    """nn.Linear without bias (same parameter, same math: y = x W^T), computed as a
    1x1 convolution over a batch of N vectors.  This torch build has only the reference
    BLAS, so F.linear is very slow; convolutions go through oneDNN."""

    def __init__(self, in_features, out_features):
        super().__init__(in_features, out_features, bias=False)

    def forward(self, x):
        shp = x.shape
        y = F.conv2d(x.reshape(-1, self.in_features, 1, 1), self.weight[:, :, None, None])
        return y.reshape(*shp[:-1], self.out_features)


class RMSNorm(nn.Module):
    def __init__(self, dim, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        xf = x.float()
        return (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + self.eps)).type_as(x) * self.weight


def precompute_freqs(head_dim, end, theta=10000.0):
    freqs = 1.0 / (theta ** (torch.arange(0, head_dim, 2)[: head_dim // 2].float() / head_dim))
    t = torch.arange(end, dtype=torch.float32)
    ang = torch.outer(t, freqs)
    return torch.cos(ang), torch.sin(ang)


def apply_rope(x, cos, sin):
    # x: (B, T, H, hd); dims (2i, 2i+1) rotated together by angle pos * freq_i
    xr = x.float().reshape(*x.shape[:-1], -1, 2)
    x0, x1 = xr[..., 0], xr[..., 1]
    c = cos[None, :, None, :]
    s = sin[None, :, None, :]
    out = torch.stack([x0 * c - x1 * s, x0 * s + x1 * c], dim=-1).flatten(3)
    return out.type_as(x)


class Attention(nn.Module):
    def __init__(self, a):
        super().__init__()
        self.n_heads = a["n_heads"]
        self.n_kv_heads = a["n_kv_heads"]
        self.head_dim = a["dim"] // a["n_heads"]
        self.n_rep = self.n_heads // self.n_kv_heads
        self.wq = Linear(a["dim"], self.n_heads * self.head_dim)
        self.wk = Linear(a["dim"], self.n_kv_heads * self.head_dim)
        self.wv = Linear(a["dim"], self.n_kv_heads * self.head_dim)
        self.wo = Linear(self.n_heads * self.head_dim, a["dim"])

    def forward(self, x, cos, sin, mask):
        B, T, _ = x.shape
        q = self.wq(x).view(B, T, self.n_heads, self.head_dim)
        k = self.wk(x).view(B, T, self.n_kv_heads, self.head_dim)
        v = self.wv(x).view(B, T, self.n_kv_heads, self.head_dim)
        q = apply_rope(q, cos, sin)
        k = apply_rope(k, cos, sin)
        if self.n_rep > 1:   # query head h uses kv head h // n_rep
            k = k[:, :, :, None, :].expand(B, T, self.n_kv_heads, self.n_rep, self.head_dim).reshape(B, T, self.n_heads, self.head_dim)
            v = v[:, :, :, None, :].expand(B, T, self.n_kv_heads, self.n_rep, self.head_dim).reshape(B, T, self.n_heads, self.head_dim)
        q, k, v = q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)   # (B, H, T, hd)
        att = (q @ k.transpose(2, 3)) / math.sqrt(self.head_dim)
        att = att + mask[:T, :T]
        att = F.softmax(att.float(), dim=-1).type_as(q)
        y = att @ v
        y = y.transpose(1, 2).contiguous().view(B, T, -1)
        return self.wo(y)


class FeedForward(nn.Module):
    def __init__(self, a):
        super().__init__()
        self.w1 = Linear(a["dim"], a["hidden_dim"])
        self.w2 = Linear(a["hidden_dim"], a["dim"])
        self.w3 = Linear(a["dim"], a["hidden_dim"])

    def forward(self, x):
        return self.w2(F.silu(self.w1(x)) * self.w3(x))


class Block(nn.Module):
    def __init__(self, a):
        super().__init__()
        self.attention = Attention(a)
        self.feed_forward = FeedForward(a)
        self.attention_norm = RMSNorm(a["dim"], 1e-5)
        self.ffn_norm = RMSNorm(a["dim"], 1e-5)

    def forward(self, x, cos, sin, mask):
        h = x + self.attention(self.attention_norm(x), cos, sin, mask)
        return h + self.feed_forward(self.ffn_norm(h))


class Transformer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = dict(cfg)
        a = self.cfg
        self.tok_embeddings = nn.Embedding(a["vocab_size"], a["dim"])
        self.layers = nn.ModuleList([Block(a) for _ in range(a["n_layers"])])
        self.norm = RMSNorm(a["dim"], 1e-5)
        self.output = Linear(a["dim"], a["vocab_size"])   # untied
        cos, sin = precompute_freqs(a["dim"] // a["n_heads"], a["max_seq_len"])
        self.register_buffer("freqs_cos", cos, persistent=False)
        self.register_buffer("freqs_sin", sin, persistent=False)
        mask = torch.full((a["max_seq_len"], a["max_seq_len"]), float("-inf")).triu(1)
        self.register_buffer("mask", mask, persistent=False)
        self.apply(self._init)
        for n, p in self.named_parameters():
            if n.endswith("w3.weight") or n.endswith("wo.weight"):
                nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * a["n_layers"]))

    @staticmethod
    def _init(m):
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, mean=0.0, std=0.02)

    def forward(self, idx):
        T = idx.shape[1]
        h = self.tok_embeddings(idx)
        cos, sin = self.freqs_cos[:T], self.freqs_sin[:T]
        for layer in self.layers:
            h = layer(h, cos, sin, self.mask)
        return self.output(self.norm(h))


def n_params(model):
    return sum(p.numel() for p in model.parameters())


# ---------------------------------------------------------------------------
# 4. data / training
# ---------------------------------------------------------------------------
def encode_lines(tok, lines):
    ids, starts = [], []
    for line in lines:
        starts.append(len(ids))
        ids.extend(tok.encode(line))
    return np.array(ids, dtype=np.int64), np.array(starts, dtype=np.int64)


def get_batch(stream, starts, rng, B, T):
    """B windows of T tokens: [BOS] + stream[i : i+T-1] as input, stream[i : i+T] as target.
    Start i is uniform over token positions; half the time snapped back to a verse start."""
    n = len(stream) - T
    x = np.empty((B, T), dtype=np.int64)
    y = np.empty((B, T), dtype=np.int64)
    pos = rng.randint(0, n, size=B)
    snap = rng.rand(B) < 0.5
    for b in range(B):
        i = pos[b]
        if snap[b]:
            i = starts[np.searchsorted(starts, i, side="right") - 1]
        x[b, 0] = BOS_ID
        x[b, 1:] = stream[i:i + T - 1]
        y[b] = stream[i:i + T]
    return torch.from_numpy(x), torch.from_numpy(y)


@torch.no_grad()
def evaluate(model, stream, T, max_chunks=None):
    """Mean cross-entropy per token: the stream is cut into consecutive chunks of T
    tokens, each fed as [BOS] + chunk[:-1] predicting chunk (every token counted once)."""
    model.eval()
    tot, cnt = 0.0, 0
    chunks = [stream[i:i + T] for i in range(0, len(stream), T)]
    if max_chunks:
        chunks = chunks[:max_chunks]
    for j in range(0, len(chunks), 8):
        group = chunks[j:j + 8]
        if len(group[-1]) != len(group[0]):       # the short final chunk goes alone
            groups = [group[:-1], group[-1:]] if len(group) > 1 else [group]
        else:
            groups = [group]
        for g in groups:
            y = torch.from_numpy(np.stack(g).astype(np.int64))
            x = torch.cat([torch.full((len(g), 1), BOS_ID, dtype=torch.long), y[:, :-1]], dim=1)
            logits = model(x)
            tot += F.cross_entropy(logits.reshape(-1, logits.size(-1)), y.reshape(-1), reduction="sum").item()
            cnt += y.numel()
    model.train()
    return tot / cnt


def lr_at(step, steps, lr, warmup):
    if step < warmup:
        return lr * (step + 1) / warmup
    prog = (step - warmup) / max(1, steps - warmup)
    return lr * 0.1 + 0.5 * (1 + math.cos(math.pi * min(1.0, prog))) * (lr - lr * 0.1)


def train_model(key, cfg, steps, train_stream, train_starts, held_stream, seed):
    torch.manual_seed(seed)
    model = Transformer(cfg)
    log("[%s] params %d, steps %d, batch %dx%d, lr %g" % (cfg["name"], n_params(model), steps, cfg["batch_size"], TRAIN_SEQ_LEN, cfg["lr"]))
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1},
                             {"params": no_decay, "weight_decay": 0.0}],
                            lr=cfg["lr"], betas=(0.9, 0.95), eps=1e-8)
    rng = np.random.RandomState(seed + (1 if key == "large" else 2))
    warmup = max(1, min(100, steps // 10))
    t0 = time.time()
    recent = []
    for step in range(steps):
        lr = lr_at(step, steps, cfg["lr"], warmup)
        for g in opt.param_groups:
            g["lr"] = lr
        x, y = get_batch(train_stream, train_starts, rng, cfg["batch_size"], TRAIN_SEQ_LEN)
        logits = model(x)
        loss = F.cross_entropy(logits.view(-1, logits.size(-1)), y.view(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        recent.append(loss.item())
        recent = recent[-50:]
        if step % 10 == 0 or step == steps - 1:
            el = time.time() - t0
            log("[%s] step %5d/%d loss %.4f avg50 %.4f lr %.2e elapsed %.1fs (%.3f s/step)"
                % (cfg["name"], step + 1, steps, loss.item(), sum(recent) / len(recent), lr, el, el / (step + 1)))
    train_time = time.time() - t0
    held_loss = evaluate(model, held_stream, cfg["max_seq_len"])
    # train loss measured the same way on a fixed slice of the training stream
    # (Genesis onward, same number of chunks as the held-out set)
    n_chunks = (len(held_stream) + cfg["max_seq_len"] - 1) // cfg["max_seq_len"]
    train_loss = evaluate(model, train_stream, cfg["max_seq_len"], max_chunks=n_chunks)
    stats = dict(name=cfg["name"], params=n_params(model), steps=steps, batch_size=cfg["batch_size"],
                 seq_len=TRAIN_SEQ_LEN, lr=cfg["lr"], train_seconds=round(train_time, 1),
                 sec_per_step=round(train_time / max(1, steps), 3),
                 train_loss_avg_last50=round(sum(recent) / len(recent), 4),
                 train_loss_eval=round(train_loss, 4), heldout_loss=round(held_loss, 4),
                 train_tokens_seen=steps * cfg["batch_size"] * TRAIN_SEQ_LEN)
    log("[%s] done in %.1fs: train loss (last-50 avg) %.4f, train eval %.4f, held-out %.4f"
        % (cfg["name"], train_time, stats["train_loss_avg_last50"], train_loss, held_loss))
    return model, stats


# ---------------------------------------------------------------------------
# 5. export
# ---------------------------------------------------------------------------
def _np(t):
    return t.detach().float().cpu().numpy()


def export_gguf(model, tok, path):
    a = model.cfg
    w = gguf_write.GGUFWriter(path)
    w.add_string("general.architecture", "llama")
    w.add_string("general.name", a["name"])
    w.add_u32("llama.context_length", a["max_seq_len"])
    w.add_u32("llama.embedding_length", a["dim"])
    w.add_u32("llama.block_count", a["n_layers"])
    w.add_u32("llama.feed_forward_length", a["hidden_dim"])
    w.add_u32("llama.attention.head_count", a["n_heads"])
    w.add_u32("llama.attention.head_count_kv", a["n_kv_heads"])
    w.add_f32("llama.rope.freq_base", 10000.0)
    w.add_f32("llama.attention.layer_norm_rms_epsilon", 1e-5)
    w.add_u32("llama.vocab_size", a["vocab_size"])
    w.add_string("tokenizer.ggml.model", "llama")
    texts = []
    types = []
    for i, bs in enumerate(tok.tokens):
        if BYTE_BASE <= i < FIRST_MERGE:
            texts.append(("<0x%02X>" % (i - BYTE_BASE)).encode("ascii"))
            types.append(6)
        else:
            texts.append(bs)
            types.append(2 if i == UNK_ID else 3 if i < N_SPECIAL else 1)
    w.add_array("tokenizer.ggml.tokens", gguf_write.STRING, texts)
    w.add_array("tokenizer.ggml.scores", gguf_write.FLOAT32, tok.scores)
    w.add_array("tokenizer.ggml.token_type", gguf_write.INT32, types)
    w.add_u32("tokenizer.ggml.bos_token_id", BOS_ID)
    w.add_u32("tokenizer.ggml.eos_token_id", EOS_ID)
    w.add_u32("tokenizer.ggml.unknown_token_id", UNK_ID)
    F16, F32 = gguf_write.GGML_F16, gguf_write.GGML_F32
    w.add_tensor("token_embd.weight", _np(model.tok_embeddings.weight), F16)
    for n, L in enumerate(model.layers):
        p = "blk.%d." % n
        w.add_tensor(p + "attn_norm.weight", _np(L.attention_norm.weight), F32)
        w.add_tensor(p + "attn_q.weight", _np(L.attention.wq.weight), F16)
        w.add_tensor(p + "attn_k.weight", _np(L.attention.wk.weight), F16)
        w.add_tensor(p + "attn_v.weight", _np(L.attention.wv.weight), F16)
        w.add_tensor(p + "attn_output.weight", _np(L.attention.wo.weight), F16)
        w.add_tensor(p + "ffn_norm.weight", _np(L.ffn_norm.weight), F32)
        w.add_tensor(p + "ffn_gate.weight", _np(L.feed_forward.w1.weight), F16)
        w.add_tensor(p + "ffn_up.weight", _np(L.feed_forward.w3.weight), F16)
        w.add_tensor(p + "ffn_down.weight", _np(L.feed_forward.w2.weight), F16)
    w.add_tensor("output_norm.weight", _np(model.norm.weight), F32)
    w.add_tensor("output.weight", _np(model.output.weight), F16)
    w.write()


def model_from_gguf(path):
    """Builds a float32 Transformer from a .gguf written by export_gguf."""
    meta, t = gguf_write.read_gguf(path)
    cfg = dict(name=meta["general.name"], dim=meta["llama.embedding_length"],
               n_layers=meta["llama.block_count"], n_heads=meta["llama.attention.head_count"],
               n_kv_heads=meta["llama.attention.head_count_kv"],
               hidden_dim=meta["llama.feed_forward_length"], vocab_size=meta["llama.vocab_size"],
               max_seq_len=meta["llama.context_length"])
    model = Transformer(cfg)
    sd = {"tok_embeddings.weight": t["token_embd.weight"], "norm.weight": t["output_norm.weight"],
          "output.weight": t["output.weight"]}
    names = {"attention_norm.weight": "attn_norm", "attention.wq.weight": "attn_q",
             "attention.wk.weight": "attn_k", "attention.wv.weight": "attn_v",
             "attention.wo.weight": "attn_output", "ffn_norm.weight": "ffn_norm",
             "feed_forward.w1.weight": "ffn_gate", "feed_forward.w3.weight": "ffn_up",
             "feed_forward.w2.weight": "ffn_down"}
    for n in range(cfg["n_layers"]):
        for k, v in names.items():
            sd["layers.%d.%s" % (n, k)] = t["blk.%d.%s.weight" % (n, v)]
    model.load_state_dict({k: torch.from_numpy(v.astype(np.float32)) for k, v in sd.items()})
    model.eval()
    texts = meta["tokenizer.ggml.tokens"]
    merges = texts[FIRST_MERGE:]
    return model, Tokenizer(merges), meta


def export_l2c(model, path):
    """llama2.c legacy (version 0) checkpoint, float32, unshared classifier (vocab negated)."""
    a = model.cfg
    kv_dim = a["n_kv_heads"] * (a["dim"] // a["n_heads"])
    L = model.layers
    with open(path, "wb") as f:
        f.write(struct.pack("<7i", a["dim"], a["hidden_dim"], a["n_layers"], a["n_heads"],
                            a["n_kv_heads"], -a["vocab_size"], a["max_seq_len"]))

        def put(t, exact=False):
            a32 = np.ascontiguousarray(_np(t), dtype="<f4")
            if a32.ndim == 2 and not exact:
                # Weight matrices go through F16 exactly as in the GGUF export, so both
                # files quantize to the same canonical tensors and the same model root.
                a32 = a32.astype("<f2").astype("<f4")
            f.write(a32.tobytes())

        put(model.tok_embeddings.weight)
        for l in L: put(l.attention_norm.weight)
        for l in L: put(l.attention.wq.weight)
        for l in L: put(l.attention.wk.weight)
        for l in L: put(l.attention.wv.weight)
        for l in L: put(l.attention.wo.weight)
        for l in L: put(l.ffn_norm.weight)
        for l in L: put(l.feed_forward.w1.weight)
        for l in L: put(l.feed_forward.w2.weight)
        for l in L: put(l.feed_forward.w3.weight)
        put(model.norm.weight)
        put(model.freqs_cos[:a["max_seq_len"]], exact=True)
        put(model.freqs_sin[:a["max_seq_len"]], exact=True)
        put(model.output.weight)
    _ = kv_dim


def model_from_l2c(path):
    with open(path, "rb") as f:
        data = f.read()
    dim, hidden, nl, nh, nkv, vocab, seq = struct.unpack_from("<7i", data, 0)
    shared = vocab > 0
    vocab = abs(vocab)
    hd = dim // nh
    kv_dim = nkv * hd
    arr = np.frombuffer(data, dtype="<f4", offset=28)
    pos = [0]

    def take(*shape):
        n = int(np.prod(shape))
        out = arr[pos[0]:pos[0] + n].reshape(shape)
        pos[0] += n
        return torch.from_numpy(out.copy())

    cfg = dict(name="l2c", dim=dim, n_layers=nl, n_heads=nh, n_kv_heads=nkv, hidden_dim=hidden,
               vocab_size=vocab, max_seq_len=seq)
    model = Transformer(cfg)
    sd = {"tok_embeddings.weight": take(vocab, dim)}
    for key, shape in [("attention_norm.weight", (dim,)), ("attention.wq.weight", (dim, dim)),
                       ("attention.wk.weight", (kv_dim, dim)), ("attention.wv.weight", (kv_dim, dim)),
                       ("attention.wo.weight", (dim, dim)), ("ffn_norm.weight", (dim,)),
                       ("feed_forward.w1.weight", (hidden, dim)), ("feed_forward.w2.weight", (dim, hidden)),
                       ("feed_forward.w3.weight", (hidden, dim))]:
        for n in range(nl):
            sd["layers.%d.%s" % (n, key)] = take(*shape)
    sd["norm.weight"] = take(dim)
    cos = take(seq, hd // 2)
    sin = take(seq, hd // 2)
    sd["output.weight"] = sd["tok_embeddings.weight"] if shared else take(vocab, dim)
    assert pos[0] == arr.size, "trailing data in l2c file"
    assert torch.allclose(cos, model.freqs_cos) and torch.allclose(sin, model.freqs_sin)
    model.load_state_dict(sd)
    model.eval()
    return model


def export_tokenizer_bin(tok, path):
    """llama2.c tokenizer.bin: i32 max_token_length; per token f32 score, i32 len, bytes."""
    with open(path, "wb") as f:
        f.write(struct.pack("<i", max(len(t) for t in tok.tokens)))
        for t, s in zip(tok.tokens, tok.scores):
            f.write(struct.pack("<fi", s, len(t)))
            f.write(t)


@torch.no_grad()
def max_logit_diff(m1, m2, ids):
    x = torch.tensor([ids], dtype=torch.long)
    return (m1(x) - m2(x)).abs().max().item()


@torch.no_grad()
def generate(model, tok, prompt, n_new=100):
    ids = tok.encode(prompt, bos=True)
    for _ in range(n_new):
        ctx = ids[-model.cfg["max_seq_len"]:]
        logits = model(torch.tensor([ctx]))[0, -1]
        ids.append(int(torch.argmax(logits)))
    return ids


# ---------------------------------------------------------------------------
def write_readme(out_dir, all_stats, tok_stats):
    def sz(fn):
        p = os.path.join(out_dir, fn)
        return "%d bytes" % os.path.getsize(p) if os.path.exists(p) else "missing"

    L = ["# vinfer test models: tiny Llama models trained on the King James Bible", "",
         "Produced by `make models` (= `/usr/bin/python3 tools/train_kjv.py`), seed %d, CPU only." % tok_stats["seed"], "",
         "| file | what | size |", "|---|---|---|",
         "| kjv-large.gguf | kjv-large, GGUF v3, F16 matrices / F32 norms | %s |" % sz("kjv-large.gguf"),
         "| kjv-small.gguf | kjv-small, GGUF v3, F16 matrices / F32 norms | %s |" % sz("kjv-small.gguf"),
         "| kjv-small.l2c.bin | kjv-small, llama2.c legacy checkpoint (float32, unshared classifier) | %s |" % sz("kjv-small.l2c.bin"),
         "| kjv-tokenizer.bin | shared tokenizer, llama2.c tokenizer.bin format | %s |" % sz("kjv-tokenizer.bin"),
         "", "Held-out text: `data/kjv-heldout.txt` = %s %d-%d (%d verses, %d chars, %d tokens), excluded from all training."
         % (HELDOUT_BOOK, HELDOUT_CHAPTERS[0], HELDOUT_CHAPTERS[1], tok_stats["held_verses"], tok_stats["held_chars"], tok_stats["held_tokens"]),
         "Training split: %d verses, %d chars, %d tokens." % (tok_stats["train_verses"], tok_stats["train_chars"], tok_stats["train_tokens"]), "",
         "Tokenizer: 1024 ids: 0 `<unk>`, 1 `<s>` (BOS), 2 `</s>`; 3..258 bytes 0x00..0xFF (id 3+b); "
         "259..1023 BPE merges (score -(id-259)). Encoding: split after each newline; per piece start from bytes and "
         "repeatedly merge the adjacent pair whose concatenation is a merged token with the highest score (leftmost on ties).", "",
         "Architecture: llama2.c model.py (RMSNorm eps 1e-5, adjacent-pair RoPE theta 10000, GQA, SwiGLU, untied classifier), "
         "Q/K not permuted.", "",
         "| model | dim | layers | heads/kv | hidden | ctx | params | steps | batch | s/step | train s | train loss | held-out loss |",
         "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for key in ("large", "small"):
        s = all_stats.get(key)
        c = MODEL_CONFIGS[key]
        if not s:
            continue
        L.append("| %s | %d | %d | %d/%d | %d | %d | %d | %d | %dx%d | %.2f | %.0f | %.3f | %.3f |" % (
            s["name"], c["dim"], c["n_layers"], c["n_heads"], c["n_kv_heads"], c["hidden_dim"], c["max_seq_len"],
            s["params"], s["steps"], s["batch_size"], s["seq_len"], s["sec_per_step"], s["train_seconds"],
            s["train_loss_eval"], s["heldout_loss"]))
    L += ["", "Losses are mean cross-entropy per token (nats): the text is cut into consecutive 256-token chunks, "
          "each fed as BOS + chunk[:-1]. Train loss uses the first chunks of the training split "
          "(as many as the held-out set has). Times are wall seconds on a shared, busy 2-core CPU box "
          "(torch 1.13 CPU, 1 thread, `nice -n 10`); the whole run takes about %.0f minutes there."
          % ((sum(s["train_seconds"] for s in all_stats.values()) + 120) / 60), "",
          "GGUF round trip (F16 weights vs the float32 model, max |logit diff| on 200 held-out tokens): "
          + ", ".join("%s %.1e" % (all_stats[k]["name"], all_stats[k]["gguf_max_logit_diff"])
                      for k in ("large", "small") if k in all_stats) + ".",
          "`tools/sample_kjv.py` reloads the files and generates greedily. `ckpt/` (float32 PyTorch "
          "checkpoints + stats, git-ignored) is only needed for that comparison.", ""]
    with open(os.path.join(out_dir, "README.md"), "w") as f:
        f.write("\n".join(L))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out-dir", default=os.path.join(REPO_ROOT, "models"))
    ap.add_argument("--data-dir", default=os.path.join(REPO_ROOT, "data"))
    ap.add_argument("--steps-large", type=int, default=None)
    ap.add_argument("--steps-small", type=int, default=None)
    ap.add_argument("--quick", action="store_true", help="tiny step counts (smoke run)")
    ap.add_argument("--only", choices=["small", "large"], default=None)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--threads", type=int, default=1,
                    help="torch threads (1 is fastest on the shared box: this torch build's OpenMP "
                         "elementwise ops stall badly when cores are oversubscribed)")
    args = ap.parse_args()

    t_start = time.time()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    torch.use_deterministic_algorithms(True)
    os.makedirs(args.out_dir, exist_ok=True)
    os.makedirs(args.data_dir, exist_ok=True)
    ckpt_dir = os.path.join(args.out_dir, "ckpt")
    os.makedirs(ckpt_dir, exist_ok=True)

    verses = load_kjv()
    train_lines, held_lines = split_verses(verses)
    held_text = "".join(held_lines)
    with open(os.path.join(args.data_dir, "kjv-heldout.txt"), "w") as f:
        f.write(held_text)
    log("verses: %d train (%d chars), %d held-out (%d chars)"
        % (len(train_lines), sum(map(len, train_lines)), len(held_lines), len(held_text)))

    t0 = time.time()
    merges = train_bpe(train_lines, VOCAB_SIZE - FIRST_MERGE)
    tok = Tokenizer(merges)
    log("BPE trained in %.1fs; first merges %r; last %r" % (time.time() - t0, merges[:8], merges[-4:]))
    tokenizer_selftest(tok, train_lines, np.random.RandomState(args.seed))
    t0 = time.time()
    train_stream, train_starts = encode_lines(tok, train_lines)
    held_stream, _ = encode_lines(tok, held_lines)
    log("encoded in %.1fs: train %d tokens (%.2f chars/token), held-out %d tokens"
        % (time.time() - t0, len(train_stream), sum(map(len, train_lines)) / len(train_stream), len(held_stream)))
    export_tokenizer_bin(tok, os.path.join(args.out_dir, "kjv-tokenizer.bin"))
    tok_stats = dict(seed=args.seed, train_verses=len(train_lines), train_chars=sum(map(len, train_lines)),
                     train_tokens=len(train_stream), held_verses=len(held_lines), held_chars=len(held_text),
                     held_tokens=len(held_stream))

    stats_path = os.path.join(ckpt_dir, "stats.json")
    all_stats = {}
    if os.path.exists(stats_path):
        with open(stats_path) as f:
            all_stats = json.load(f)
    steps = dict(QUICK_STEPS if args.quick else DEFAULT_STEPS)
    if args.steps_large is not None:
        steps["large"] = args.steps_large
    if args.steps_small is not None:
        steps["small"] = args.steps_small
    keys = [args.only] if args.only else ["small", "large"]
    probe = held_stream[:200].tolist()
    for key in keys:
        cfg = MODEL_CONFIGS[key]
        model, stats = train_model(key, cfg, steps[key], train_stream, train_starts, held_stream, args.seed)
        model.eval()
        torch.save(model.state_dict(), os.path.join(ckpt_dir, cfg["name"] + ".pt"))
        gpath = os.path.join(args.out_dir, cfg["name"] + ".gguf")
        export_gguf(model, tok, gpath)
        m2, tok2, _ = model_from_gguf(gpath)
        assert tok2.tokens[FIRST_MERGE:] == tok.tokens[FIRST_MERGE:]
        stats["gguf_max_logit_diff"] = max_logit_diff(model, m2, [BOS_ID] + probe)
        log("[%s] wrote %s (%d bytes); GGUF(F16) vs in-memory max |logit diff| %.2e"
            % (cfg["name"], gpath, os.path.getsize(gpath), stats["gguf_max_logit_diff"]))
        if key == "small":
            lpath = os.path.join(args.out_dir, cfg["name"] + ".l2c.bin")
            export_l2c(model, lpath)
            stats["l2c_max_logit_diff"] = max_logit_diff(model, model_from_l2c(lpath), [BOS_ID] + probe)
            log("[%s] wrote %s (%d bytes); l2c(F32) vs in-memory max |logit diff| %.2e"
                % (cfg["name"], lpath, os.path.getsize(lpath), stats["l2c_max_logit_diff"]))
        sample = tok.decode(generate(model, tok, "In the beginning", 100))
        log("[%s] sample: %r" % (cfg["name"], sample))
        stats["sample"] = sample
        all_stats[key] = stats
        with open(stats_path, "w") as f:
            json.dump(all_stats, f, indent=1)
    write_readme(args.out_dir, all_stats, tok_stats)
    log("total wall time %.1fs" % (time.time() - t_start))


if __name__ == "__main__":
    main()

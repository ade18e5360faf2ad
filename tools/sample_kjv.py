#!/usr/bin/python3
"""Load exported KJV models back and generate greedily (round-trip check of the export).

For each .gguf: rebuild the PyTorch model from the file (F16 -> F32), encode the prompt
with the tokenizer stored in the file, generate N tokens greedily, and, when the float32
training checkpoint models/ckpt/<name>.pt exists, report the max |logit difference|
between the GGUF model and the checkpoint over the whole generated sequence.
Also checks models/kjv-small.l2c.bin and models/kjv-tokenizer.bin when present.

Usage: /usr/bin/python3 tools/sample_kjv.py [--prompt "In the beginning"] [-n 100] [file.gguf ...]
"""
import argparse
import os
import struct
import sys

import torch

TOOLS_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, TOOLS_DIR)
import train_kjv as tk  # noqa: E402

MODELS = os.path.join(os.path.dirname(TOOLS_DIR), "models")


def read_tokenizer_bin(path):
    with open(path, "rb") as f:
        data = f.read()
    (max_len,) = struct.unpack_from("<i", data, 0)
    pos = 4
    toks, scores = [], []
    while pos < len(data):
        s, n = struct.unpack_from("<fi", data, pos)
        pos += 8
        toks.append(data[pos:pos + n])
        pos += n
        scores.append(s)
    return max_len, toks, scores


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("gguf", nargs="*", default=[os.path.join(MODELS, "kjv-small.gguf"),
                                                 os.path.join(MODELS, "kjv-large.gguf")])
    ap.add_argument("--prompt", default="In the beginning")
    ap.add_argument("-n", type=int, default=100)
    args = ap.parse_args()
    torch.set_num_threads(1)
    for path in args.gguf:
        model, tok, meta = tk.model_from_gguf(path)
        name = meta["general.name"]
        ids = tk.generate(model, tok, args.prompt, args.n)
        print("== %s (%s, %d params)" % (name, os.path.basename(path), tk.n_params(model)))
        print("prompt ids:", tok.encode(args.prompt, bos=True))
        print("text: %r" % tok.decode(ids))
        ckpt = os.path.join(os.path.dirname(os.path.abspath(path)), "ckpt", name + ".pt")
        if os.path.exists(ckpt):
            ref = tk.Transformer(model.cfg)
            ref.load_state_dict(torch.load(ckpt))
            ref.eval()
            print("max |logit diff| GGUF(F16) vs float32 checkpoint over %d positions: %.3e"
                  % (len(ids), tk.max_logit_diff(model, ref, ids)))
            l2c = os.path.join(os.path.dirname(os.path.abspath(path)), name + ".l2c.bin")
            if os.path.exists(l2c):
                print("max |logit diff| l2c.bin vs float32 checkpoint: %.3e"
                      % tk.max_logit_diff(tk.model_from_l2c(l2c), ref, ids))
        tb = os.path.join(os.path.dirname(os.path.abspath(path)), "kjv-tokenizer.bin")
        if os.path.exists(tb):
            _, toks, scores = read_tokenizer_bin(tb)
            ok = toks == tok.tokens and scores == tok.scores
            print("kjv-tokenizer.bin matches GGUF tokenizer: %s" % ok)


if __name__ == "__main__":
    main()

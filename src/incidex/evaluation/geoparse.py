"""`incidex eval geoparse`: toponym resolution and recognition on the published geoparsing corpora.

Reads ``shared/data/geoparse`` at run time: LGL, TR-News, GeoWebNews and
GeoVirus in their EUPEG XML variants, WikToR as ``wiktor.jsonl``. Toponyms with
coordinates are the gold; annotated spans without coordinates (GeoWebNews
demonyms, non-toponyms; LGL toponyms the annotators could not place) are
neither found nor missed. Gold offsets that do not point at their phrase
(GeoVirus is off by one, TR-News drifts) are repaired to the nearest
occurrence of the phrase, and counted.

Two modes:

- ``resolve``: the gold spans go to the pipeline's resolver (``places.resolve``
  with the document's country focus, as in ``incidex extract``); comparable
  with Mordecai3's "given gold toponyms" table. A toponym the resolver cannot
  place gets the largest possible error (20,039 km), as in Gritta et al.; the
  most-populous-candidate baseline on our own gazetteer is reported beside it.
- ``end-to-end``: spaCy plus the pipeline's mention finder recognise the
  toponyms; recognition P/R/F1 is reported separately from the resolution
  error of the recognised toponyms that overlap a gold one (comparable with
  CamCoder's figures "on systems' own toponyms").

LGL, TR-News and GeoWebNews are test sets: report only, never tune on them.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from incidex.domain.geo import haversine_km
from incidex.errors import Codes, EvalError
from incidex.evaluation.paths import data_path
from incidex.evaluation.score import MAX_ERROR_KM, PRF, ErrorStats, error_stats, greedy_pairs

CORPORA: dict[str, str] = {
    "lgl": "lgl.xml",
    "trnews": "TR-News.xml",
    "gwn": "GWN.xml",
    "geovirus": "GeoVirus.xml",
    "wiktor": "wiktor.jsonl",
}
TEST_SETS = frozenset({"lgl", "trnews", "gwn"})
MODES = ("resolve", "end-to-end")
_REPAIR_WINDOW = 200


@dataclass(frozen=True)
class Toponym:
    start: int
    end: int
    phrase: str
    lat: float | None
    lon: float | None

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.lon is not None


@dataclass(frozen=True)
class GeoDoc:
    id: str
    text: str
    toponyms: tuple[Toponym, ...]

    @property
    def gold(self) -> list[Toponym]:
        return [t for t in self.toponyms if t.has_point]


@dataclass
class CorpusStats:
    repaired: int = 0  # offsets moved to the nearest occurrence of the phrase
    dropped: int = 0  # toponyms whose phrase could not be found in the text
    signs: int = 0  # WikToR gold points whose lost minus sign was put back (``_repair_signs``)


# -- readers ------------------------------------------------------------------------------------

def _float(s: str | None) -> float | None:
    if s is None or not s.strip():
        return None
    try:
        return float(s)
    except ValueError:
        return None


def _fix(text: str, start: int, end: int, phrase: str, stats: CorpusStats) -> tuple[int, int] | None:
    """Offsets that point at ``phrase``: as given, else the nearest occurrence within a window."""
    if 0 <= start <= end and text[start:end] == phrase:
        return start, end
    if not phrase or start < 0:
        stats.dropped += 1
        return None
    lo, hi = max(0, start - _REPAIR_WINDOW), min(len(text), start + _REPAIR_WINDOW + len(phrase))
    best: int | None = None
    i = text.find(phrase, lo, hi)
    while i != -1:
        if best is None or abs(i - start) < abs(best - start):
            best = i
        i = text.find(phrase, i + 1, hi)
    if best is None:
        stats.dropped += 1
        return None
    stats.repaired += 1
    return best, best + len(phrase)


def _xml_docs(path: Path, stats: CorpusStats) -> Iterator[GeoDoc]:
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise EvalError(Codes.E501, path=str(path), line=exc.position[0], detail=f"XML: {exc}") from None
    for n, art in enumerate(root):
        text = art.findtext("text") or ""
        holder = art.find("toponyms")
        if holder is None:
            holder = art.find("locations")
        tops: list[Toponym] = []
        for t in holder if holder is not None else ():
            phrase = t.findtext("phrase") or t.findtext("extractedName") or t.findtext("name") or ""
            lat = _float(t.findtext("gaztag/lat") if t.find("gaztag") is not None else
                         (t.findtext("latitude") or t.findtext("lat")))
            lon = _float(t.findtext("gaztag/lon") if t.find("gaztag") is not None else
                         (t.findtext("longitude") or t.findtext("lon")))
            try:
                s, e = int(t.findtext("start") or "-1"), int(t.findtext("end") or "-1")
            except ValueError:
                stats.dropped += 1
                continue
            fixed = _fix(text, s, e, phrase, stats)
            if fixed is None:
                continue
            tops.append(Toponym(fixed[0], fixed[1], phrase, lat, lon))
        yield GeoDoc(id=art.get("docid") or art.get("file") or str(n), text=text,
                     toponyms=tuple(sorted(tops, key=lambda x: x.start)))


def _jsonl_docs(path: Path, stats: CorpusStats) -> Iterator[GeoDoc]:
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                r: dict[str, Any] = json.loads(line)
                text = str(r["text"])
                tops = []
                for t in r["toponyms"]:
                    fixed = _fix(text, int(t["start"]), int(t["end"]), str(t["phrase"]), stats)
                    if fixed is not None:
                        tops.append(Toponym(fixed[0], fixed[1], str(t["phrase"]), _float(str(t.get("lat"))),
                                            _float(str(t.get("lon")))))
            except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
                raise EvalError(Codes.E501, path=str(path), line=n, detail=f"{type(exc).__name__}: {exc}") from None
            yield GeoDoc(id=str(r.get("id", n)), text=text, toponyms=tuple(sorted(tops, key=lambda x: x.start)))


def read_corpus(corpus: str, limit: int | None = None,
                repair_signs: bool = True) -> tuple[list[GeoDoc], CorpusStats]:
    """The first ``limit`` documents of a corpus (all by default) and the offset repairs made. ``repair_signs``:
    give WikToR's gold points their lost minus sign back (``_repair_signs``, which reads the gazetteer); a reader
    that needs only the texts and spans, as the speed benchmark, leaves it out."""
    if corpus not in CORPORA:
        raise ValueError(f"unknown corpus {corpus!r}; choose one of {', '.join(CORPORA)}")
    path = data_path("geoparse", CORPORA[corpus])
    stats = CorpusStats()
    reader = _jsonl_docs(path, stats) if path.suffix == ".jsonl" else _xml_docs(path, stats)
    docs: list[GeoDoc] = []
    for d in reader:
        if limit is not None and len(docs) >= limit:
            break
        docs.append(d)
    if corpus == "wiktor" and repair_signs:
        docs = _repair_signs(docs, stats)
    return docs, stats


def _repair_signs(docs: list[GeoDoc], stats: CorpusStats) -> list[GeoDoc]:
    """WikToR lost the minus sign of some points (Chatham, Illinois at 39.67, 89.70: in China; about 9 % of its
    US and Canadian points, the geoparser issue says). A gold point is given its sign back when no place of its name
    in the gazetteer lies within 161 km of it and one lies within 161 km of the point with a sign flipped. The test
    reads only the gazetteer's candidates of the name, never the resolver's choice."""
    from incidex.gazetteer.index import open_gazetteer

    gaz = open_gazetteer()
    out = []
    for d in docs:
        tops = []
        for t in d.toponyms:
            if t.lat is not None and t.lon is not None:
                pts = [(c.lat, c.lon) for c in gaz.lookup(t.phrase)]
                if pts and min(haversine_km(t.lat, t.lon, a, b) for a, b in pts) > 161:
                    for lat, lon in ((t.lat, -t.lon), (-t.lat, t.lon), (-t.lat, -t.lon)):
                        if min(haversine_km(lat, lon, a, b) for a, b in pts) <= 161:
                            t = Toponym(t.start, t.end, t.phrase, lat, lon)
                            stats.signs += 1
                            break
            tops.append(t)
        out.append(GeoDoc(id=d.id, text=d.text, toponyms=tuple(tops)))
    return out


# -- evaluation -----------------------------------------------------------------------------------

@dataclass
class GeoparseEval:
    corpus: str
    mode: str
    documents: int
    gold_toponyms: int
    located: int  # gold toponyms that got coordinates (resolve) / recognised and located (end-to-end)
    stats: ErrorStats  # resolve: over all gold toponyms; end-to-end: over the recognised ones
    resolved_only: ErrorStats  # over the toponyms that got coordinates
    baseline: ErrorStats | None = None  # most populous candidate in our gazetteer (resolve mode)
    recognition: PRF | None = None
    repaired_offsets: int = 0
    repaired_signs: int = 0
    dropped_toponyms: int = 0
    worst: list[str] = field(default_factory=list)  # largest errors, for a developer to look at
    unplaced: list[tuple[str, int]] = field(default_factory=list)  # most frequent gold names left without a place
    # end-to-end: the gold toponyms not recognised, by cause (MISS_CAUSES), with a few examples of each
    misses: dict[str, int] = field(default_factory=dict)
    miss_examples: dict[str, list[str]] = field(default_factory=dict)

    @property
    def coverage(self) -> float:
        return self.located / self.gold_toponyms if self.gold_toponyms else 0.0

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "corpus": self.corpus, "mode": self.mode, "test_set": self.corpus in TEST_SETS,
            "documents": self.documents, "gold_toponyms": self.gold_toponyms, "located": self.located,
            "coverage": round(self.coverage, 4), **self.stats.as_dict(),
            "resolved_only": self.resolved_only.as_dict(),
            "repaired_offsets": self.repaired_offsets, "dropped_toponyms": self.dropped_toponyms,
            "repaired_signs": self.repaired_signs,
        }
        if self.baseline is not None:
            out["population_baseline"] = self.baseline.as_dict()
        if self.recognition is not None:
            out["recognition"] = self.recognition.as_dict()
        out["worst"] = self.worst
        out["unplaced"] = [{"name": n, "count": c} for n, c in self.unplaced]
        if self.misses:
            out["recognition_misses"] = self.misses
            out["recognition_miss_examples"] = self.miss_examples
        return out


class _NoAnnotator:
    """Resolve mode needs the extractor's country focus, not its NLP model."""

    name = "none"

    def annotate(self, text: str) -> Any:
        raise NotImplementedError

    def annotate_many(self, texts: Iterable[str]) -> Any:
        raise NotImplementedError


def _focus(extractor: Any, text: str) -> dict[str, float]:
    # the same country focus the extractor computes for a document, normalised as in Extractor.build
    # (the pipeline has no public function for it; see the report to the pipeline owner)
    focus: Counter[str] = extractor._focus(text)
    top = max(1, max(focus.values(), default=1))
    return {k: v / top for k, v in focus.items()}


def _error(t: Toponym, lat: float | None, lon: float | None) -> float:
    if lat is None or lon is None:
        return MAX_ERROR_KM
    assert t.lat is not None and t.lon is not None
    return haversine_km(t.lat, t.lon, lat, lon)


def evaluate_resolve(corpus: str, limit: int | None = None) -> GeoparseEval:
    """Gold toponym spans to the pipeline's resolver."""
    import re

    from incidex.gazetteer.index import open_gazetteer
    from incidex.pipeline import places
    from incidex.pipeline.assemble import Extractor

    docs, cstats = read_corpus(corpus, limit)
    gaz = open_gazetteer()
    extractor = Extractor(_NoAnnotator(), gaz)
    admin_tail = re.compile(rf"^(.+?)\s+{places.ADMIN_CUE}$", re.I)
    errors: list[float] = []
    resolved: list[float] = []
    base: list[float] = []
    worst: list[tuple[float, str]] = []
    unplaced: Counter[str] = Counter()
    n_gold = 0
    for doc in docs:
        gold = doc.gold
        if not gold:
            continue
        n_gold += len(gold)
        mentions = []
        for t in gold:
            written = doc.text[t.start:t.end]
            end = t.end
            if not gaz.lookup(written):
                # "Tartar district": the mention finder also retries without the admin word
                m = admin_tail.match(written)
                if m and gaz.lookup(m.group(1)):
                    written, end = m.group(1), t.start + len(m.group(1))
            mentions.append(places.PlaceMention(t.start, end, written))
        places._assign_cues(doc.text, mentions)  # the cue words the mention finder would have read
        places.resolve(mentions, gaz, _focus(extractor, doc.text), doc.text)  # type: ignore[arg-type]
        for t, pm in zip(gold, mentions, strict=True):
            loc = pm.location
            err = _error(t, loc.lat if loc else None, loc.lon if loc else None)
            errors.append(err)
            if loc is None:
                unplaced[t.phrase] += 1
            else:
                resolved.append(err)
                if err > 161:
                    worst.append((err, f"doc {doc.id}: {t.phrase!r} -> {loc.name} ({loc.country_code}), "
                                       f"{err:,.0f} km"))
            cands = gaz.lookup(pm.written)
            top = max(cands, key=lambda c: c.population, default=None)
            base.append(_error(t, top.lat if top else None, top.lon if top else None))
    worst.sort(key=lambda w: -w[0])
    return GeoparseEval(
        corpus=corpus, mode="resolve", documents=len(docs), gold_toponyms=n_gold, located=len(resolved),
        stats=error_stats(errors), resolved_only=error_stats(resolved), baseline=error_stats(base),
        repaired_offsets=cstats.repaired, dropped_toponyms=cstats.dropped, repaired_signs=cstats.signs,
        worst=[w for _, w in worst[:15]],
        unplaced=unplaced.most_common(15),
    )


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


# why a gold toponym was not recognised, in the order they are tested (``miss_cause``)
MISS_CAUSES = {
    "unplaced": "a mention was found but the resolver left it without a place",
    "unknown": "the gazetteer has no entry of the name (nor of it without an admin word)",
    "other entity": "spaCy tagged it as part of a non-place entity (organisation, person, nationality ...)",
    "lower case": "written in lower case or all capitals",
    "untagged": "a known name that spaCy did not tag and no cue led the mention finder to",
}


def miss_cause(t: Toponym, text: str, mentions: list[Any], ann: Any, gaz: Any) -> str:
    """The ``MISS_CAUSES`` key of a gold toponym that no located mention overlaps."""
    from incidex.pipeline import places

    span = (t.start, t.end)
    if any(_overlap(span, (pm.start, pm.end)) for pm in mentions):
        return "unplaced"
    written = text[t.start:t.end]
    bare = places.ADMIN_TAIL.sub("", written)
    if not gaz.lookup(written) and not (bare != written and gaz.lookup(bare)):
        return "unknown"
    if any(_overlap(span, (e.start, e.end)) for e in ann.entities if e.label not in ("GPE", "LOC", "FAC")):
        return "other entity"
    if not written[:1].isupper() or (written.isupper() and len(written) > 4):
        return "lower case"
    return "untagged"


def evaluate_end_to_end(corpus: str, limit: int | None = None) -> GeoparseEval:
    """spaCy and the pipeline's mention finder recognise toponyms; the resolver places them."""
    from incidex.pipeline import places
    from incidex.pipeline.assemble import Extractor
    from incidex.services.extract import default_extractor

    docs, cstats = read_corpus(corpus, limit)
    extractor = default_extractor()
    assert isinstance(extractor, Extractor)
    gaz = extractor.gaz
    errors: list[float] = []
    located = 0
    rec = PRF()
    worst: list[tuple[float, str]] = []
    misses: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    n_gold = 0
    for doc, ann in zip(docs, extractor.annotator.annotate_many(d.text for d in docs), strict=True):
        focus = _focus(extractor, doc.text)
        mentions = places.find_mentions(ann, gaz, set(focus))  # type: ignore[arg-type]
        places.resolve(mentions, gaz, focus, doc.text)  # type: ignore[arg-type]
        preds = [pm for pm in mentions if pm.location is not None]
        gold = doc.gold
        n_gold += len(gold)
        pairs = []
        for i, t in enumerate(gold):
            for j, pm in enumerate(preds):
                ov = _overlap((t.start, t.end), (pm.start, pm.end))
                if ov:
                    pairs.append(((-float(ov),), i, j))
        matched = greedy_pairs(pairs)
        mp = {j for _, j in matched}
        mg = {i for i, _ in matched}
        for i, t in enumerate(gold):
            if i not in mg:
                cause = miss_cause(t, doc.text, mentions, ann, gaz)
                misses[cause] += 1
                if len(examples.setdefault(cause, [])) < 8 and t.phrase not in examples[cause]:
                    examples[cause].append(t.phrase)
        # a mention over any annotated span (a gold toponym already matched, a span without coordinates)
        # is not a false positive
        fp = sum(1 for j, pm in enumerate(preds) if j not in mp
                 and not any(_overlap((t.start, t.end), (pm.start, pm.end)) for t in doc.toponyms))
        rec = rec + PRF(len(matched), fp, len(gold) - len(matched))
        for i, j in matched:
            t, pm = gold[i], preds[j]
            assert pm.location is not None
            err = _error(t, pm.location.lat, pm.location.lon)
            errors.append(err)
            located += 1
            if err > 161:
                worst.append((err, f"doc {doc.id}: {t.phrase!r} -> {pm.location.name} "
                                   f"({pm.location.country_code}), {err:,.0f} km"))
    worst.sort(key=lambda w: -w[0])
    stats = error_stats(errors)
    return GeoparseEval(
        corpus=corpus, mode="end-to-end", documents=len(docs), gold_toponyms=n_gold, located=located,
        stats=stats, resolved_only=stats, recognition=rec,
        repaired_offsets=cstats.repaired, dropped_toponyms=cstats.dropped, repaired_signs=cstats.signs,
        worst=[w for _, w in worst[:15]],
        misses={k: misses[k] for k in MISS_CAUSES if misses[k]}, miss_examples=examples,
    )


def evaluate_geoparse(corpus: str, mode: str = "resolve", limit: int | None = None) -> GeoparseEval:
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; choose one of {', '.join(MODES)}")
    return evaluate_resolve(corpus, limit) if mode == "resolve" else evaluate_end_to_end(corpus, limit)

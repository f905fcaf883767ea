"""`incidex eval casualties`: exact-match rate of killed and injured figures on two loose golds.

- ``wiki_terror_incidents/incidents.jsonl``: the ``Description`` is the input,
  ``Dead`` and ``Injured`` the gold (list-level counts, which may include
  perpetrators and need not be stated in the description);
- the UCDP GED sample rows that carry a ``source_headline``: the headline is
  the input (publication date: the row's first ``source_date``), ``best`` the
  gold for deaths (GED combines several sources, so this gold is loose too).

One document's figure for an outcome: per event, the largest figure of that
outcome (a subset such as "including 5 policemen" never adds to it); summed
over events; or the largest aggregate figure when that is larger. A
casualty's figure is its ``best``, else ``low``, else ``high``; for "more than N" (``low`` N + 1 in incidex/1) the
N that the text states, as the gold-format spec's ±1 for ``more_than`` allows. A document
without any figure for the outcome counts as 0. Because both golds are loose,
the rate is also given on the rows whose gold figure is written in the text as
digits, where a reader of the text alone could get it right.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from incidex.domain.document import RawDocument
from incidex.domain.models import Casualty, Extraction
from incidex.errors import Codes, EvalError
from incidex.evaluation.paths import data_path

WIKI = ("wiki_terror_incidents", "incidents.jsonl")
UCDP = ("ucdp_ged_sample", "ged191_MMR_BGD.csv")


@dataclass(frozen=True)
class FigureCase:
    id: str
    text: str
    published: str | None
    gold: dict[str, int]  # outcome -> figure


def _value(c: Casualty) -> int | None:
    if c.qualifier == "more_than" and c.best is None and c.low is not None:
        return c.low - 1  # the figure as stated: "over 80" is low 81 in incidex/1, 80 in a list of tolls
    for v in (c.best, c.low, c.high):
        if v is not None:
            return v
    return None


def document_figure(x: Extraction, outcome: str) -> int | None:
    """The document's figure for ``outcome`` (see the module docstring); ``None`` when it states none."""
    per_event = []
    for ev in x.events:
        vals = [v for c in ev.casualties if c.outcome == outcome and (v := _value(c)) is not None]
        if vals:
            per_event.append(max(vals))
    agg = [v for a in x.aggregates for c in a.casualties if c.outcome == outcome and (v := _value(c)) is not None]
    candidates = ([sum(per_event)] if per_event else []) + ([max(agg)] if agg else [])
    return max(candidates) if candidates else None


def _int(s: Any) -> int | None:
    try:
        return int(str(s).strip())
    except ValueError:
        return None


def read_wiki(limit: int | None = None) -> list[FigureCase]:
    path = data_path(*WIKI)
    out: list[FigureCase] = []
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            if limit is not None and len(out) >= limit:
                break
            try:
                r = json.loads(line)
            except json.JSONDecodeError as exc:
                raise EvalError(Codes.E501, path=str(path), line=n, detail=exc.msg) from None
            dead, injured = _int(r.get("Dead")), _int(r.get("Injured"))
            gold = {k: v for k, v in (("killed", dead), ("injured", injured)) if v is not None}
            out.append(FigureCase(id=f"wiki-{r.get('id', n)}", text=str(r.get("Description") or ""),
                                  published=None, gold=gold))
    return out


def read_ucdp(limit: int | None = None) -> list[FigureCase]:
    path = data_path(*UCDP)
    out: list[FigureCase] = []
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if not (row.get("source_headline") or "").strip():
                continue
            if limit is not None and len(out) >= limit:
                break
            best = _int(row.get("best"))
            first_date = (row.get("source_date") or "").split(";")[0].strip()
            published = first_date if re.fullmatch(r"\d{4}-\d\d-\d\d", first_date) else None
            out.append(FigureCase(id=f"ucdp-{row.get('id')}", text=row["source_headline"], published=published,
                                  gold={"killed": best} if best is not None else {}))
    return out


@dataclass
class FigureScore:
    outcome: str
    n: int = 0
    exact: int = 0
    no_figure: int = 0  # documents where the pipeline states no figure (counted as 0)
    in_text_n: int = 0  # gold figure written as digits in the text
    in_text_exact: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.exact / self.n if self.n else 0.0

    @property
    def in_text_rate(self) -> float:
        return self.in_text_exact / self.in_text_n if self.in_text_n else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"n": self.n, "exact": self.exact, "exact_rate": round(self.rate, 4), "no_figure": self.no_figure,
                "in_text_n": self.in_text_n, "in_text_exact": self.in_text_exact,
                "in_text_exact_rate": round(self.in_text_rate, 4), "misses": self.misses[:25]}


def _in_text(text: str, n: int) -> bool:
    digits = re.sub(r"[,\s]", "", text)  # "1,200" and "1 200" count as 1200
    return re.search(rf"(?<!\d){n}(?!\d)", text) is not None or (n >= 1000 and str(n) in digits)


def score_figures(cases: Iterable[FigureCase], extractions: Iterable[Extraction],
                  outcomes: tuple[str, ...]) -> dict[str, FigureScore]:
    scores = {o: FigureScore(o) for o in outcomes}
    for case, x in zip(cases, extractions, strict=True):
        for o in outcomes:
            if o not in case.gold:
                continue
            s, gold = scores[o], case.gold[o]
            got = document_figure(x, o)
            s.n += 1
            s.no_figure += got is None
            ok = (got or 0) == gold
            s.exact += ok
            if _in_text(case.text, gold):
                s.in_text_n += 1
                s.in_text_exact += ok
            if not ok:
                s.misses.append(f"{case.id}: gold {gold}, predicted {got if got is not None else 'none'}")
    return scores


@dataclass
class CasualtiesEval:
    wiki: dict[str, FigureScore]
    ucdp: dict[str, FigureScore]

    def as_dict(self) -> dict[str, Any]:
        return {"wiki_terror_incidents": {o: s.as_dict() for o, s in self.wiki.items()},
                "ucdp_ged_headlines": {o: s.as_dict() for o, s in self.ucdp.items()}}


def _extract_all(cases: list[FigureCase]) -> list[Extraction]:
    from incidex.pipeline.assemble import Extractor
    from incidex.services.extract import default_extractor

    ex = default_extractor()
    assert isinstance(ex, Extractor)
    raws = [RawDocument(text=c.text, origin=c.id, published=c.published) for c in cases]
    return list(ex.extract_many(raws))


def evaluate_casualties(limit: int | None = None) -> CasualtiesEval:
    wiki = read_wiki(limit)
    ucdp = read_ucdp(limit)
    return CasualtiesEval(
        wiki=score_figures(wiki, _extract_all(wiki), ("killed", "injured")),
        ucdp=score_figures(ucdp, _extract_all(ucdp), ("killed",)),
    )

"""The types the places stage shares with its helpers: what it needs of a gazetteer candidate and index, a
place mention, and the patterns of admin words and capitalised phrases."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from incidex.domain.models import Location


class CandidateLike(Protocol):
    id: str
    name: str
    country_code: str | None
    admin1: str | None
    admin2: str | None
    lat: float
    lon: float
    feature: str
    population: int
    match: str


class PlaceIndex(Protocol):
    """What the places stage needs from a gazetteer."""

    def lookup(self, name: str) -> tuple[CandidateLike, ...]: ...

    def country(self, code: str) -> CandidateLike | None: ...

    def demonym(self, word: str) -> str | None: ...


@dataclass
class PlaceMention:
    start: int
    end: int
    written: str
    cue: str = ""  # city | admin | near | ""
    from_entity: str = ""
    location: Location | None = None
    is_country: bool = False
    in_actor: bool = False
    score: float = 0.0
    ranked: list[tuple[float, CandidateLike]] = field(default_factory=list)
    # the capital a phrase names ("the Afghan capital": ("Kabul", "AF")), looked up instead of the words
    capital_of: tuple[str, str] | None = None


ADMIN_CUE = r"(?:districts?|provinces?|regions?|governorates?|states?|oblasts?|rayons?|townships?|prefectures?|counties|county|divisions?|municipalit(?:y|ies))"
ADMIN_TAIL = re.compile(rf"\s+{ADMIN_CUE}$", re.I)
DISTRICT_WORD = re.compile(r"district|county|counties|rayon|municipalit|division|township|prefecture", re.I)
CTX_PHRASE = re.compile(r"(?:\b(?:St|Ste|Mt|Ft)\.\s)?\b[A-Z][\w'’\-]+(?:[ -](?:of |de |del |la |el )?[A-Z][\w'’\-]+){0,3}\b")
AREAS = frozenset({"country", "region", "district"})

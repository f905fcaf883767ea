"""Dates: recognise date expressions with our own patterns and resolve them on the document's timeline.

Absolute dates ("September 27, 2020", "27.09.2020"), partial dates ("on
September 27", year from the nearest full date before it, else the publication
year), relative dates ("yesterday", "two days later", "on the following days")
and ranges ("between 10 and 12 March"). Year-only mentions ("of 1993") never set
the narrative year: that is how generic date searchers anchor "September 27"
to 1949 after "the Geneva Conventions of 1949". dateparser (about 13 ms a
call) is a cached fallback for absolute dates our patterns do not cover, such as
"2020/09/27", "27-Sep-2020" or "27 сентября 2020"; it is only given strings
that carry a four-digit year, so it cannot invent one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                "nine": 9, "ten": 10, "a": 1, "an": 1, "several": 3, "a few": 3}

_M = r"(?P<{0}>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
_D = r"(?P<{0}>[0-3]?\d)(?:st|nd|rd|th)?"
_Y = r"(?P<{0}>(?:19|20)\d\d)"

PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # ranges first so that their parts are not read as two dates
    ("range_dmy", re.compile(
        rf"\b(?:between|from)\s+{_D.format('d1')}\s+(?:and|to|until)\s+{_D.format('d2')}\s+{_M.format('m')}(?:,?\s+{_Y.format('y')})?", re.I)),
    ("range_dmy_dash", re.compile(
        rf"\b{_D.format('d1')}\s*[-–]\s*{_D.format('d2')}\s+{_M.format('m')}(?:,?\s+{_Y.format('y')})?\b", re.I)),
    ("range_mdd", re.compile(
        rf"\b(?:between|from)\s+{_M.format('m')}\s+{_D.format('d1')}\s+(?:and|to|until)\s+{_D.format('d2')}(?:,?\s+{_Y.format('y')})?", re.I)),
    ("range_full", re.compile(
        rf"\b(?:between|from)\s+{_D.format('d1')}\s+{_M.format('m1')}\s+(?:and|to|until)\s+{_D.format('d2')}\s+{_M.format('m2')}(?:,?\s+{_Y.format('y')})?", re.I)),
    ("mdy", re.compile(rf"\b{_M.format('m')}\s+{_D.format('d')}(?:,\s*|\s+){_Y.format('y')}\b", re.I)),
    ("dmy", re.compile(rf"\b{_D.format('d')}\s+(?:of\s+)?{_M.format('m')},?\s+{_Y.format('y')}\b", re.I)),
    ("iso", re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b")),
    ("numeric", re.compile(r"\b(?P<d>[0-3]?\d)[./](?P<m>[01]?\d)[./](?P<y>(?:19|20)\d\d)\b")),
    ("md", re.compile(rf"\b{_M.format('m')}\s+{_D.format('d')}\b(?!\s*(?:,\s*)?(?:19|20)\d\d)(?![\d:])", re.I)),
    ("dm", re.compile(rf"\b{_D.format('d')}\s+(?:of\s+)?{_M.format('m')}\b(?!,?\s+(?:19|20)\d\d)", re.I)),
    ("my", re.compile(rf"\b(?:in\s+|since\s+|during\s+|of\s+)?{_M.format('m')},?\s+{_Y.format('y')}\b", re.I)),
    ("weekday", re.compile(r"\b(?:on|last|this|early|late)\s+(?P<w>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b", re.I)),
    ("weekday_bare", re.compile(r"\b(?P<w>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?=\s+(?:morning|evening|night|afternoon)|[,.])", re.I)),
    ("yesterday", re.compile(r"\b(?:yesterday|last night|overnight)\b", re.I)),
    ("today", re.compile(r"\b(?:today|this morning|this afternoon|this evening|tonight|earlier today)\b", re.I)),
    ("days_ago", re.compile(r"\b(?P<n>\d+|one|two|three|four|five|six|seven|eight|nine|ten|a few|several)\s+days?\s+ago\b", re.I)),
    ("days_later", re.compile(r"\b(?P<n>\d+|one|two|three|four|five|six|seven|eight|nine|ten|a)\s+days?\s+(?P<dir>later|after(?:wards)?|earlier|before)\b", re.I)),
    ("next_day", re.compile(r"\b(?:the\s+)?(?P<dir>next|following|previous|preceding)\s+(?:day|morning|night|evening)\b|\bthe\s+day\s+(?P<dir2>before|after)\b", re.I)),
    ("following_days", re.compile(r"\b(?:the|in the)\s+(?P<dir>following|next|subsequent|coming|previous|preceding)\s+days\b", re.I)),
    ("last_week", re.compile(r"\b(?P<which>last|this|past|previous)\s+week\b|\bearlier this week\b", re.I)),
    ("last_month", re.compile(r"\b(?P<which>last|this|past|previous)\s+month\b", re.I)),
    ("year", re.compile(r"\b(?:in|since|during|of|until)\s+(?P<y>(?:19|20)\d\d)\b(?!\s*[-–]?\s*(?:day|s\b))")),
]


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    text: str
    kind: str
    first: date | None
    last: date | None
    precision: str  # day | week | month | year | range | unknown
    anchor: str  # explicit | publication | none
    sets_timeline: bool  # a full explicit date: later partial/relative dates resolve against it


def _month(s: str) -> int:
    return MONTHS[s.lower().rstrip(".")]


def _num(s: str) -> int:
    s = s.lower()
    return int(s) if s.isdigit() else NUMBER_WORDS.get(s, 1)


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _month_end(y: int, m: int) -> date:
    return (date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1))


# absolute dates in other shapes or languages: a day, a word or number for the month, a year
_FALLBACK = re.compile(
    r"\b(?:(?:19|20)\d\d[/.-][01]?\d[/.-][0-3]?\d|[0-3]?\d[-/. ]\s?[^\W\d_]{3,12}\.?[-/ ,]\s?(?:19|20)\d\d)\b"
)


@lru_cache(maxsize=4096)
def dateparser_fallback(text: str) -> date | None:
    """An absolute date via dateparser, or None; only strings with a four-digit year get here."""
    if not re.search(r"(?:19|20)\d\d", text):
        return None
    import dateparser

    settings = {"PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["day", "month", "year"]}
    parsed = dateparser.parse(text, settings=settings)
    return parsed.date() if parsed else None


class Timeline:
    """Resolves mentions in reading order against the latest explicit date and the publication date."""

    def __init__(self, published: date | None) -> None:
        self.published = published
        self.current: date | None = None  # latest full explicit date seen

    def _year_for(self, m: int, d: int) -> tuple[int | None, str]:
        ref = self.current or self.published
        if ref is None:
            return None, "none"
        y = ref.year
        # a partial date after the reference's month most likely belongs to the year before
        # when the reference is the publication date (news reports look back)
        if self.current is None and self.published and (m, d) > (self.published.month, self.published.day):
            y -= 1
        return y, "explicit" if self.current else "publication"

    def _relative_base(self, prefer_publication: bool) -> tuple[date | None, str]:
        if prefer_publication and self.published:
            return self.published, "publication"
        if self.current:
            return self.current, "explicit"
        if self.published:
            return self.published, "publication"
        return None, "none"

    def resolve(self, kind: str, g: dict[str, str | None], start: int, end: int, text: str) -> DateMention:
        def mk(first: date | None, last: date | None, precision: str, anchor: str, sets: bool = False) -> DateMention:
            if first is None:
                precision = "unknown"
            if sets and first is not None:
                self.current = first
            return DateMention(start, end, text, kind, first, last, precision, anchor, sets)

        y: int | None
        if kind == "fallback":
            dt = dateparser_fallback(text)
            return mk(dt, dt, "day", "explicit", sets=True)
        if kind in ("mdy", "dmy", "iso", "numeric"):
            y = int(g["y"] or 0)
            m_raw = g["m"] or ""
            d = int(g["d"] or 0)
            if kind == "numeric":
                m = int(m_raw)
                if m > 12 and d <= 12:
                    m, d = d, m
            else:
                m = _month(m_raw) if not m_raw.isdigit() else int(m_raw)
            dt = _safe_date(y, m, d)
            return mk(dt, dt, "day", "explicit", sets=True)
        if kind in ("md", "dm"):
            m, d = _month(g["m"] or ""), int(g["d"] or 0)
            y, anchor = self._year_for(m, d)
            dt = _safe_date(y, m, d) if y else None
            # a partial date updates the narrative day, keeping its year
            if dt is not None and self.current is not None:
                self.current = dt
            return mk(dt, dt, "day", anchor)
        if kind.startswith("range"):
            if kind == "range_full":
                m1, m2 = _month(g["m1"] or ""), _month(g["m2"] or "")
            else:
                m1 = m2 = _month(g["m"] or "")
            d1, d2 = int(g["d1"] or 0), int(g["d2"] or 0)
            if g.get("y"):
                y = int(g["y"] or 0)
                anchor = "explicit"
            else:
                y, anchor = self._year_for(m1, d1)
            if y is None:
                return mk(None, None, "unknown", "none")
            a, b = _safe_date(y, m1, d1), _safe_date(y, m2, d2)
            if a and b and b < a:
                a, b = b, a
            if g.get("y") and a:
                self.current = a
            return mk(a, b, "range", anchor)
        if kind == "my":
            y, m = int(g["y"] or 0), _month(g["m"] or "")
            return mk(date(y, m, 1), _month_end(y, m), "month", "explicit")
        if kind == "year":
            y = int(g["y"] or 0)
            return mk(date(y, 1, 1), date(y, 12, 31), "year", "explicit")
        if kind in ("weekday", "weekday_bare"):
            base, anchor = self._relative_base(prefer_publication=True)
            if base is None:
                return mk(None, None, "unknown", "none")
            wd = WEEKDAYS[(g["w"] or "").lower()]
            delta = (base.weekday() - wd) % 7
            dt = base - timedelta(days=delta)
            # the narrative's latest day: "entered Nookat on Tuesday ... Two days later" counts from the Tuesday
            return mk(dt, dt, "day", anchor, sets=True)
        if kind in ("yesterday", "today", "days_ago"):
            base, anchor = self._relative_base(prefer_publication=True)
            if base is None:
                return mk(None, None, "unknown", "none")
            n = {"yesterday": 1, "today": 0}.get(kind, _num(g.get("n") or "1"))
            dt = base - timedelta(days=n)
            return mk(dt, dt, "day", anchor)
        if kind in ("days_later", "next_day"):
            base, anchor = self._relative_base(prefer_publication=False)
            if base is None:
                return mk(None, None, "unknown", "none")
            direction = (g.get("dir") or g.get("dir2") or "").lower()
            n = _num(g.get("n") or "1")
            sign = -1 if direction in ("earlier", "before", "previous", "preceding") else 1
            dt = base + timedelta(days=sign * n)
            if self.current is not None:
                self.current = dt
            return mk(dt, dt, "day", anchor)
        if kind == "following_days":
            base, anchor = self._relative_base(prefer_publication=False)
            if base is None:
                return mk(None, None, "unknown", "none")
            if (g.get("dir") or "").lower() in ("previous", "preceding"):
                return mk(base - timedelta(days=7), base - timedelta(days=1), "range", anchor)
            return mk(base + timedelta(days=1), base + timedelta(days=7), "range", anchor)
        if kind in ("last_week", "last_month"):
            base, anchor = self._relative_base(prefer_publication=True)
            if base is None:
                return mk(None, None, "unknown", "none")
            days = 7 if kind == "last_week" else 30
            this = (g.get("which") or "this").lower() == "this" or text.lower().startswith("earlier")
            first = base - timedelta(days=(base.weekday() if this and kind == "last_week" else days))
            last = base if this else base - timedelta(days=1)
            return mk(first, last, "week" if kind == "last_week" else "month", anchor)
        return mk(None, None, "unknown", "none")


def find_dates(text: str, published: str | None) -> list[DateMention]:
    """All date mentions in reading order, resolved on the timeline."""
    raw: list[tuple[int, int, str, re.Match[str]]] = []
    taken: list[tuple[int, int]] = []
    for kind, pat in PATTERNS:
        for m in pat.finditer(text):
            s, e = m.span()
            if any(s < te and ts < e for ts, te in taken):
                continue
            taken.append((s, e))
            raw.append((s, e, kind, m))
    for m in _FALLBACK.finditer(text):
        s, e = m.span()
        if any(s < te and ts < e for ts, te in taken):
            continue
        if dateparser_fallback(m.group(0)) is not None:
            taken.append((s, e))
            raw.append((s, e, "fallback", m))
    raw.sort(key=lambda r: r[0])
    timeline = Timeline(date.fromisoformat(published) if published else None)
    out = []
    for s, e, kind, m in raw:
        mention = timeline.resolve(kind, m.groupdict(), s, e, text[s:e])
        out.append(mention)
    return out

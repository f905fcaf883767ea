"""Reconciliation at scale: 100,000 and 1,000,000 synthetic events in one run, streamed by time window.

A generator writes reports of synthetic incidents in date order from 2015, 270 events a day (so 10x
the events is 10x the days at the same density), half of them in 40 hotspot towns, the rest over the land
boxes of bench_store.py: each incident is told by 1-4 sources, each its own document, with the date one day off
now and then, the place a few kilometres apart, a compatible type now and then, and its own figures.
Each size runs in a child process (its own peak RSS):

- baseline: generating the events and turning them into clustering items, nothing else;
- reconcile: the same, plus ``cluster_stream`` (blocking, scoring, constrained linkage, one window of
  14 days at a time) and ``build_incident`` for every incident (ranges, disputes, flags).

Reported: CPU seconds of the child (one core; wall-clock time on a shared 2-core machine is noisy), the reconcile cost above the baseline, the 10x scaling ratio (target: 10x the events
cost <= 12x the time; 1M events < 10 minutes on one core), peak RSS of each size (streaming: about
equal), and the B-cubed F1 against the generator's truth (a sanity check, not an accuracy claim).

    python benchmarks/bench_reconcile.py [--sizes 100000,1000000] [--record docs/PERFORMANCE.md]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _record import machine_line, record  # noqa: E402
from bench_store import LAND  # noqa: E402

DAY0 = date(2015, 1, 1)
PER_DAY = 270  # events a day, about a busy global feed (ACLED codes 150,000-300,000 events a year):
# 10x the events is 10x the days at the same density, a year of the feed against a decade of it
HOTSPOTS = 40  # half the incidents happen in one of these towns: same town, same day, several incidents
KINDS = [  # (type, sub type, share, a type another source may give it)
    ("Battles", "Armed clash", 30, "Explosions/Remote violence"),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack", 30, "Battles"),
    ("Violence against civilians", "Attack", 15, "Explosions/Remote violence"),
    ("Protests", "Peaceful protest", 15, "Riots"),
    ("Riots", "Violent demonstration", 10, "Protests"),
]
SOURCES = [(1, 0.35), (2, 0.3), (3, 0.2), (4, 0.15)]  # sources per incident, share
PUBLISHERS = ["Ministry of Defence of Ardania", "Valley Liberation Front", "Wire Service", "Monitoring NGO"]
STANCES = ["party:Ardania", "party:Valley Liberation Front", "neutral", "advocacy"]


def generate(n_events: int, seed: int = 5) -> Iterator[tuple[object, int, int]]:
    """(Claim, incident number, sources of that incident), sorted by the event's start date."""
    from incidex.domain.models import Actor, Casualty, DateInfo, Event, Location, Span
    from incidex.reconcile.incident import Claim

    rng = random.Random(seed)
    mean_sources = sum(k * w for k, w in SOURCES)
    per_day = PER_DAY / mean_sources
    days = int(n_events / PER_DAY) + 1
    hot = []
    for _ in range(HOTSPOTS):
        b = rng.choices(LAND, [x[4] for x in LAND])[0]
        hot.append((rng.uniform(b[1], b[3]), rng.uniform(b[0], b[2])))
    kinds, kind_w = KINDS, [k[2] for k in KINDS]
    boxes, box_w = LAND, [b[4] for b in LAND]
    pending: dict[date, list[tuple[object, int, int]]] = {}
    made = inc = 0
    span = Span(start=0, end=1, quote="x")
    for d in range(days + 2):
        day = DAY0 + timedelta(days=d)
        n_inc = 0 if made >= n_events else int(per_day) + (rng.random() < per_day % 1)
        for _ in range(n_inc):
            inc += 1
            et, st, _, alt = rng.choices(kinds, kind_w)[0]
            box = rng.choices(boxes, box_w)[0]
            if rng.random() < 0.5:
                lat, lon = rng.choice(hot)
                lat, lon = lat + rng.uniform(-0.05, 0.05), lon + rng.uniform(-0.05, 0.05)
            else:
                lat, lon = rng.uniform(box[1], box[3]), rng.uniform(box[0], box[2])
            k = rng.choices([s for s, _ in SOURCES], [w for _, w in SOURCES])[0]
            killed = rng.randint(0, 30)
            for _ in range(k):
                made += 1
                when = day + timedelta(days=1 if rng.random() < 0.15 else 0)
                typ = alt if rng.random() < 0.1 and alt else et
                sub = st if typ == et else dict((t, s2) for t, s2, _, _ in KINDS)[typ]
                p = rng.randrange(len(PUBLISHERS))
                ev = Event(
                    id="e1", event_type=typ, sub_type=sub, summary=f"{PUBLISHERS[p]} reports an event.",
                    date=DateInfo(start=when.isoformat(), end=when.isoformat(), precision="day", anchor="explicit"),
                    locations=[Location(name=f"Town {inc}", name_as_written=f"Town {inc}",
                                        lat=max(-90.0, min(90.0, lat + rng.uniform(-0.02, 0.02))),
                                        lon=max(-180.0, min(180.0, lon + rng.uniform(-0.02, 0.02))),
                                        feature="town", geo_precision=1)],
                    actors=[Actor(name="Ardanian army", normalized="Military Forces of Ardania",
                                  kind="state_forces", role="initiator")],
                    casualties=[Casualty(outcome="killed", group="civilian", low=max(0, killed + rng.randint(-3, 8)),
                                         text="n", claimed_by=PUBLISHERS[p], span=span)],
                    claimed_by=PUBLISHERS[p], certainty="denied" if rng.random() < 0.03 else "asserted")
                claim = Claim(ev, f"doc-{made}", STANCES[p], made)
                pending.setdefault(when, []).append((claim, inc, k))
        yield from pending.pop(day, [])


def child(n_events: int, mode: str) -> dict[str, float]:
    from incidex.reconcile.incident import build_incident, to_item
    from incidex.reconcile.stream import cluster_stream

    items = (to_item(c, c.row_id or 0) for c, _, _ in _tagged(generate(n_events)))
    t0, c0 = time.perf_counter(), time.process_time()
    n = incidents = 0
    prec = rec = 0.0
    if mode == "baseline":
        for x in items:
            TAGS.pop(x.key)
            n += 1
    else:
        for g in cluster_stream(items):
            inc = build_incident(g)
            assert inc["events"]
            incidents += 1
            n += len(g)
            truth: dict[int, int] = {}
            for x in g:
                truth[TAGS[x.key][0]] = truth.get(TAGS[x.key][0], 0) + 1
            for x in g:
                same, size = truth[TAGS[x.key][0]], TAGS.pop(x.key)[1]
                prec += same / len(g)
                rec += same / size
    out = {"events": n, "s": time.process_time() - c0, "wall": time.perf_counter() - t0, "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
           "incidents": incidents}
    if mode != "baseline" and n:
        p, r = prec / n, rec / n
        out["bcubed"] = 2 * p * r / (p + r)
    return out


TAGS: dict[str, tuple[int, int]] = {}  # item key -> (incident, its number of sources), while the item is live


def _tagged(gen: Iterator[tuple[object, int, int]]) -> Iterator[tuple[object, int, int]]:
    from incidex.reconcile.incident import claim_key

    for c, inc, k in gen:
        TAGS[claim_key(c.document_id, c.event.id)] = (inc, k)  # type: ignore[attr-defined]
        yield c, inc, k


def run(n: int, mode: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--child", str(n), mode], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100000,1000000")
    ap.add_argument("--record", type=Path, default=None)
    ap.add_argument("--child", nargs=2, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(int(args.child[0]), args.child[1])))
        return
    sizes = [int(x) for x in args.sizes.split(",")]
    res = {n: (run(n, "baseline"), run(n, "reconcile")) for n in sizes}
    lines = ["events      baseline s   reconcile s   above baseline s   incidents    peak RSS (base/rec)  B-cubed F1"]
    for n, (b, r) in res.items():
        lines.append(f"{n:>9,}   {b['s']:10.1f}   {r['s']:11.1f}   {r['s'] - b['s']:16.1f}   {r['incidents']:>9,.0f}"
                     f"   {b['rss']:6.0f} / {r['rss']:6.0f} MB    {r.get('bcubed', 0):.3f}")
    if len(sizes) >= 2:
        lo, hi = sizes[0], sizes[-1]
        ratio_n = hi / lo
        ratio_t = res[hi][1]["s"] / res[lo][1]["s"]
        ratio_base = res[hi][0]["s"] / res[lo][0]["s"]
        lines += [f"{ratio_n:.0f}x the events: {ratio_t:.2f}x the reconcile time (target <= 12x), "
                  f"{ratio_base:.2f}x the baseline time",
                  f"{hi:,} events reconciled in {res[hi][1]['s'] / 60:.1f} min on one core (target < 10 min)",
                  f"peak RSS {hi:,} / {lo:,}: {res[hi][1]['rss'] / res[lo][1]['rss']:.2f} (streaming: about 1)"]
    print("\n".join(lines))
    if args.record:
        section = ("## Reconciliation (`benchmarks/bench_reconcile.py`)\n\n" + machine_line()
                   + "; synthetic incidents told by 1-4 sources, streamed by 14-day windows, one process\n\n```\n"
                   + "\n".join(lines) + "\n```\n")
        record(args.record, "## Reconciliation (", section)


if __name__ == "__main__":
    main()

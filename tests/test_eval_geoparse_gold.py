"""Reading the geoparsing gold: WikToR points that lost their minus sign get it back."""

from __future__ import annotations

from incidex.evaluation.geoparse import CorpusStats, GeoDoc, Toponym, _repair_signs


def test_a_point_that_lost_its_sign_gets_it_back_and_a_good_point_stays() -> None:
    text = "Chatham is a village in Sangamon County, Illinois. Paris is the capital of France."
    lost = Toponym(0, 7, "Chatham", 39.67, 89.70)  # Chatham, Illinois is at 39.68, -89.70
    good = Toponym(51, 56, "Paris", 48.85, 2.35)
    unknown = Toponym(0, 7, "Zzyzxqv", 10.0, 10.0)  # no candidate: left as it is
    stats = CorpusStats()
    (doc,) = _repair_signs([GeoDoc("d", text, (lost, good, unknown))], stats)
    fixed, same, left = doc.toponyms
    assert (fixed.lat, fixed.lon) == (39.67, -89.70) and stats.signs == 1
    assert same == good and left == unknown

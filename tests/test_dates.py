from datetime import date

from incidex.pipeline.dates import find_dates


def one(text: str, published: str | None = None):
    ds = find_dates(text, published)
    return [(d.text, d.first, d.last, d.precision, d.anchor) for d in ds]


def test_absolute_formats():
    assert one("On September 27, 2020 shelling began.")[0][1:4] == (date(2020, 9, 27), date(2020, 9, 27), "day")
    assert one("Reported on 27.09.2020 by the ministry.")[0][1] == date(2020, 9, 27)
    assert one("Fighting on 3 March 2024 near the town.")[0][1] == date(2024, 3, 3)
    assert one("The 2024-03-05 report.")[0][1] == date(2024, 3, 5)


def test_partial_date_takes_year_from_the_timeline_not_from_a_year_mention():
    text = "The Geneva Conventions of 1949 apply. On September 27, 2020 war began. On October 3 a town fell."
    ds = find_dates(text, None)
    partial = [d for d in ds if d.text == "October 3"][0]
    assert partial.first == date(2020, 10, 3) and partial.anchor == "explicit"
    # "of 1949" is a year mention; it must not anchor a later partial date
    text2 = "Under the conventions of 1949, on September 27 the attack began."
    d2 = [d for d in find_dates(text2, "2020-12-01") if d.text.startswith("September")][0]
    assert d2.first == date(2020, 9, 27) and d2.anchor == "publication"


def test_relative_dates():
    ds = find_dates("Yesterday gunmen attacked a bus.", "2024-03-15")
    assert ds[0].first == date(2024, 3, 14) and ds[0].anchor == "publication"
    ds = find_dates("On March 3, 2024 shelling began. Two days later a drone struck.", None)
    assert ds[1].first == date(2024, 3, 5) and ds[1].anchor == "explicit"
    ds = find_dates("On September 27, 2020 it began. On the following days towns were shelled.", None)
    fd = ds[1]
    assert fd.precision == "range" and fd.first == date(2020, 9, 28) and fd.last > fd.first
    # "N days later" counts from the narrative's latest day, a weekday too, not from the dateline
    ds = find_dates("NOOKAT, 23 March 2024 - Troops entered Nookat on Tuesday. Two days later, bodies were found.",
                    "2024-03-23")
    assert [(d.text, d.first) for d in ds][1:] == [("on Tuesday", date(2024, 3, 19)), ("Two days later", date(2024, 3, 21))]


def test_ranges_and_months():
    ds = find_dates("Fighting between 10 and 12 March 2024 left the town empty.", None)
    assert (ds[0].first, ds[0].last, ds[0].precision) == (date(2024, 3, 10), date(2024, 3, 12), "range")
    ds = find_dates("In March 2024 the group expanded.", None)
    assert ds[0].precision == "month" and ds[0].last == date(2024, 3, 31)


def test_numbers_that_are_not_dates():
    texts = ["2908 soldiers were killed and 94 civilians", "the 44-day war", "more than 400 wounded"]
    for t in texts:
        assert all(d.precision != "day" for d in find_dates(t, None)), t


def test_unknown_when_nothing_anchors_a_relative_date():
    ds = find_dates("Yesterday a bomb exploded.", None)
    assert ds[0].first is None and ds[0].precision == "unknown" and ds[0].anchor == "none"


def test_dateparser_fallback_for_other_shapes_and_languages():
    for text in ("Shelling on 2020/09/27 hit the town.", "Shelling on 27-Sep-2020 hit the town.",
                 "Обстрел 27 сентября 2020 года."):
        ds = [d for d in find_dates(text, None) if d.first]
        assert ds and ds[0].first == date(2020, 9, 27), text
    # no year in the text, no fallback: dateparser would anchor "44 days" to today
    assert not [d for d in find_dates("The war lasted 44 days and 3 weeks.", None) if d.precision == "day"]

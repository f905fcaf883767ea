"""Every ACLED sub-type is reachable; sentences written for this test, not taken from any data set."""

import pytest

from incidex.domain.taxonomy import SUB_TYPES
from incidex.pipeline.classify import classify_many

pytestmark = pytest.mark.slow

CASES = {
    "Armed clash": "Government troops and rebel fighters exchanged fire for hours outside the town.",
    "Government regains territory": "The army recaptured the town from insurgents after a week of fighting.",
    "Non-state actor overtakes territory": "Militants seized control of the district headquarters after soldiers fled.",
    "Chemical weapon": "Doctors said patients showed symptoms of sarin exposure after the attack on the village.",
    "Air/drone strike": "Warplanes bombed a market, and a drone strike hit a car on the highway.",
    "Suicide bomb": "A suicide bomber detonated his explosive vest at the entrance of the mosque.",
    "Shelling/artillery/missile attack": "Artillery shells and rockets landed in residential neighbourhoods overnight.",
    "Remote explosive/landmine/IED": "A roadside bomb exploded under a military convoy on the main road.",
    "Grenade": "An attacker lobbed a hand grenade into the crowded bus stop.",
    "Sexual violence": "Soldiers raped two women during the raid on the village, a rights group said.",
    "Attack": "Gunmen stormed the village and shot dead eleven unarmed farmers.",
    "Abduction/forced disappearance": "Armed men kidnapped a local journalist, whose whereabouts remain unknown.",
    "Peaceful protest": "Hundreds of teachers marched peacefully to parliament demanding higher wages.",
    "Protest with intervention": "Police fired tear gas and water cannon to disperse the students' sit-in.",
    "Excessive force against protesters": "Security forces opened fire with live ammunition on demonstrators, killing six.",
    "Violent demonstration": "Rioters threw stones at police, burned tyres and set a government office on fire.",
    "Mob violence": "A mob lynched a man accused of theft in the market square.",
    "Agreement": "The two sides signed a ceasefire agreement and agreed to exchange prisoners.",
    "Arrests": "Police arrested twelve opposition activists in dawn raids on their homes.",
    "Change to group/activity": "The two rebel factions announced a merger under a new joint command.",
    "Disrupted weapons use": "Bomb disposal experts defused an explosive device found near the school.",
    "Headquarters or base established": "The militia set up a new base and checkpoints on the road to the border.",
    "Looting/property destruction": "Fighters looted shops and torched dozens of abandoned houses in the village.",
    "Non-violent transfer of territory": "Government forces withdrew from the town without a fight, handing it over under the deal.",
    "Other": "Authorities declared a state of emergency and imposed a night curfew in the province.",
}


def test_all_25_sub_types_are_reachable():
    assert set(CASES) == set(SUB_TYPES)
    got = dict(zip(CASES, (c.sub_type for c in classify_many(list(CASES.values()))), strict=True))
    wrong = {k: v for k, v in got.items() if k != v}
    assert not wrong, wrong


def test_fitted_models_are_kept_in_the_cache_and_refitted_when_damaged_or_changed(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from sklearn.linear_model import LogisticRegression

    from incidex.pipeline.classify import fitted

    monkeypatch.setenv("INCIDEX_CACHE_DIR", str(tmp_path))
    calls = []

    def fit() -> LogisticRegression:
        calls.append(1)
        return LogisticRegression().fit([[0.0], [1.0], [2.0], [3.0]], ["a", "a", "b", "b"])

    first = fitted("t", fit, b"data v1")
    again = fitted("t", fit, b"data v1")
    assert len(calls) == 1 and list(again.predict([[0.2], [2.8]])) == list(first.predict([[0.2], [2.8]])) == ["a", "b"]
    fitted("t", fit, b"data v2")  # other training data: another file, fitted again
    assert len(calls) == 2
    files = sorted((tmp_path / "classifier").iterdir())
    assert len(files) == 2 and all(f.suffix == ".joblib" for f in files)
    for f in files:
        f.write_bytes(b"not a model")
    assert list(fitted("t", fit, b"data v1").predict([[3.0]])) == ["b"] and len(calls) == 3

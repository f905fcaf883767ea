from incidex.pipeline.actors import find_actors, role_of
from incidex.pipeline.framing import find_framing
from incidex.pipeline.stance import infer_stance

from .fakes import AZ_GAZ


def actors(text):
    return [(a.name, a.normalized, a.kind, a.country_code) for a in find_actors(text, AZ_GAZ)]


def test_state_forces_in_several_phrasings():
    got = actors("The armed forces of Armenia attacked. The Azerbaijani Army answered. Armenia's military withdrew.")
    assert ("armed forces of Armenia", "Military Forces of Armenia", "state_forces", "AM") in got
    assert ("Azerbaijani Army", "Military Forces of Azerbaijan", "state_forces", "AZ") in got
    assert any(n == "Military Forces of Armenia" and name.startswith("Armenia") for name, n, _, _ in got)


def test_groups_protesters_and_organisations():
    got = {a[0]: a[2] for a in actors("The Valley Liberation Front and a local self-defence militia clashed; "
                                      "protesters gathered; the ICRC and Human Rights Watch called for calm.")}
    assert got["Valley Liberation Front"] == "rebel_group"
    assert got["protesters"] == "protesters"
    assert got["ICRC"] == "international_org" and got["Human Rights Watch"] == "international_org"


def test_an_acronym_the_text_defines_names_the_actor():
    text = ("Fighters of the Valley Liberation Front (VLF) attacked a convoy. Later the VLF said it had taken the town, "
            "and the army of Armenia (AFA) denied it; the AFA said the VLF had withdrawn.")
    got = [(a.name, a.normalized, a.kind) for a in find_actors(text, AZ_GAZ)]
    assert got.count(("VLF", "Valley Liberation Front", "rebel_group")) == 2  # not the definition in parentheses
    assert ("AFA", "Military Forces of Armenia", "state_forces") in got
    assert not any(name == "VLF" for name, _, _ in got[:2])


def test_roles_from_position():
    text = "The armed forces of Armenia shelled the positions of the armed forces of Azerbaijan."
    found = find_actors(text, AZ_GAZ)
    trigger = text.index("shelled")
    roles = [role_of(text, a, trigger, 0) for a in found]
    assert roles == ["initiator", "target"]


def test_stance_from_publisher_and_from_self_glorification():
    assert infer_stance("x", "Ministry of Defence of Azerbaijan", [], AZ_GAZ)[0] == "party:Azerbaijan"
    assert infer_stance("x", "Ministry of Defence of the Republic of Ardania", [], AZ_GAZ)[0] == "party:Ardania"
    assert infer_stance("x", "Valley Rights Watch", [], AZ_GAZ)[0] == "advocacy"
    assert infer_stance("x", "Kestrel Wire Service", [], AZ_GAZ)[0] == "neutral"
    text = "The glorious Azerbaijani Army advanced. Azerbaijani soldiers were martyred defending the heroic nation."
    stance, ev = infer_stance(text, None, find_framing(text), AZ_GAZ)
    assert stance == "party:Azerbaijan" and ev
    assert infer_stance("Shelling was reported in Barda, officials said.", None, [], AZ_GAZ)[0] == "neutral"


def test_a_word_ending_in_at_is_not_a_target_cue():
    # "denied that Armenian forces shelled ...": "that" ends in "at" but is no preposition
    text = "The office denied that the armed forces of Armenia shelled the town."
    a = find_actors(text, AZ_GAZ)[0]
    assert role_of(text, a, None, 0) == "initiator"

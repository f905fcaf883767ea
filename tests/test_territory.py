"""The side that takes territory decides between the codebook's two territorial sub-types."""

from __future__ import annotations

import pytest

from incidex.pipeline.territory import taking_side


@pytest.mark.parametrize(("text", "side"), [
    ("The army recaptured Tessit from the rebels on Monday.", "state"),
    ("Rebels recaptured Tessit on Monday after the army withdrew.", "non_state"),
    ("The town fell to the militants after a week of fighting.", "non_state"),
    ("The town was retaken by government troops on Sunday.", "state"),
    ("Taliban fighters seized the district headquarters overnight.", "non_state"),
    ("Syrian government forces retook Palmyra.", "state"),
    ("IS militants overran the base.", "non_state"),
    ("The Arakan Army said it had taken control of a battalion headquarters.", "non_state"),
    ("Government forces said they had regained control of the city after clashes with al-Shabaab.", "state"),
    ("The rebels said they had taken full control of Nookat on Tuesday.", "non_state"),
    ("Heavy rain flooded the district on Monday.", None),
    ("It is not known who captured the hill.", None),  # "is" is no acronym
])
def test_the_taking_side(text: str, side: str | None) -> None:
    assert taking_side(text) == side


def test_strikes_and_the_words_that_look_like_interventions() -> None:
    from incidex.pipeline.classify import cue_scores

    assert cue_scores("Dock workers in Mombasa downed tools outside the port gates.") == {"Peaceful protest": 2.5}
    assert cue_scores("Air defences downed two drones.") == {"Disrupted weapons use": 4.0}
    # a crowd that disperses by itself, a detained leader's supporters: no intervention, no arrest
    assert "Protest with intervention" not in cue_scores("Activists laid flowers before dispersing, witnesses said.")
    assert "Arrests" not in cue_scores("Supporters of a detained opposition figure gathered outside the court.")
    assert "Arrests" not in cue_scores("A crowd gathered, demanding the arrest of a local leader.")
    assert cue_scores("Police dispersed the crowd with tear gas.") == {"Protest with intervention": 3.5}
    # people seized are no territory taken
    assert "Non-state actor overtakes territory" not in cue_scores("JNIM fighters seized 15 people on the road.")
    assert cue_scores("Rebels seized the town of Tessit.").get("Non-state actor overtakes territory", 0) >= 3.5


def test_protest_cues_for_lethal_force_arrests_at_a_protest_and_protesters_destroying() -> None:
    from incidex.pipeline.classify import cue_scores

    assert cue_scores("Police shot dead six people who had gathered in the square to demand early elections."
                      ).get("Excessive force against protesters", 0) >= 4.0
    assert cue_scores("Police arrested 40 activists who had glued themselves to a road in Westminster."
                      ).get("Protest with intervention", 0) >= 3.5
    assert cue_scores("Residents protesting power cuts in Orangi town blocked a main road and vandalised an office."
                      ).get("Violent demonstration", 0) >= 4.0

"""The ACLED event taxonomy: six event types and their 25 sub-event types.

Order inside each type follows ACLED's precedence where tactics mix (earlier wins),
as the ACLED codebook describes for Explosions/Remote violence.
"""

from __future__ import annotations

EVENT_TYPES: dict[str, tuple[str, ...]] = {
    "Battles": ("Government regains territory", "Non-state actor overtakes territory", "Armed clash"),
    "Explosions/Remote violence": (
        "Chemical weapon",
        "Suicide bomb",
        "Air/drone strike",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Grenade",
    ),
    "Violence against civilians": ("Sexual violence", "Abduction/forced disappearance", "Attack"),
    "Protests": ("Excessive force against protesters", "Protest with intervention", "Peaceful protest"),
    "Riots": ("Mob violence", "Violent demonstration"),
    "Strategic developments": (
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
    ),
}

SUB_TYPES: dict[str, str] = {sub: et for et, subs in EVENT_TYPES.items() for sub in subs}

# ACLED's ordering of event types when one report mixes them: political violence
# outranks demonstrations, which outrank strategic developments.
TYPE_PRECEDENCE: tuple[str, ...] = (
    "Explosions/Remote violence",
    "Battles",
    "Violence against civilians",
    "Riots",
    "Protests",
    "Strategic developments",
)


def event_type_of(sub_type: str) -> str:
    """The ACLED event type of a sub-event type (KeyError for an unknown one)."""
    return SUB_TYPES[sub_type]


def precedence(sub_type: str) -> tuple[int, int]:
    """Sort key: lower is stronger (type precedence, then sub-type order)."""
    et = SUB_TYPES[sub_type]
    return TYPE_PRECEDENCE.index(et), EVENT_TYPES[et].index(sub_type)

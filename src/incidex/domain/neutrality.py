"""The neutrality rule of gold-format.md: word stems the system's own words must never use unquoted."""

from __future__ import annotations

NEUTRALITY_PREFIXES: tuple[str, ...] = (
    "glorious", "martyr", "heroic", "liberat", "aggressor", "terrorist", "barbar", "atrocit", "enemy", "fascist",
    "nazi", "invader", "occupier", "puppet", "bandit", "heinous", "treacherous",
)

"""Record a benchmark's figures in docs/PERFORMANCE.md: one section per benchmark, replaced when present."""

from __future__ import annotations

import platform
import subprocess
import sys
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HEADER = "# Performance\n\nFigures are ratios against a baseline measured in the same run.\n\n"


def machine_line() -> str:
    """Date, commit, machine and Python of this run: the first line under a section's heading."""
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    return (f"{date.today().isoformat()}, commit {commit}, {platform.processor() or platform.machine()}, "
            f"Python {sys.version.split()[0]}, {platform.system()}")


def record(path: Path, heading: str, section: str) -> None:
    """Put ``section`` (which starts with ``heading``) in ``path``, in place of the section under ``heading``."""
    old = path.read_text(encoding="utf-8") if path.exists() else HEADER
    if heading in old:
        start = old.index(heading)
        nxt = old.find("\n## ", start + 1)
        old = old[:start] + section + (old[nxt + 1:] if nxt != -1 else "")
    else:
        old = old.rstrip() + "\n\n" + section
    path.write_text(old, encoding="utf-8")

import json
import subprocess
import sys

import pytest
from pydantic import ValidationError

from incidex.domain.models import Event, Span, json_schema


def test_span_quote_must_match_length():
    Span.of("abcdef", 1, 3)
    with pytest.raises(ValidationError):
        Span(start=3, end=1, quote="")
    with pytest.raises(ValidationError):
        Span(start=0, end=2, quote="abc")


def test_sub_type_must_belong_to_event_type():
    with pytest.raises(ValidationError):
        Event(id="e1", event_type="Protests", sub_type="Armed clash", summary="x", claimed_by="y")
    Event(id="e1", event_type="Battles", sub_type="Armed clash", summary="x", claimed_by="y")


def test_schema_lists_the_binding_vocabularies():
    s = json.dumps(json_schema())
    for word in ("incidex/1", "Explosions/Remote violence", "victimhood_or_sacralisation", "more_than",
                 "geo_precision", "stance_evidence", "legal_references"):
        assert word in s


def test_cli_schema_command_and_fast_help():
    out = subprocess.run([sys.executable, "-m", "incidex.cli", "schema"], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout)["title"] == "incidex/1"
    # --help must not import spaCy, SQLAlchemy or pandas (lazy imports keep it instant)
    code = ("import sys; from incidex.cli.main import app; "
            "assert not {'spacy', 'sklearn', 'pandas', 'sqlalchemy'} & set(sys.modules), sorted(sys.modules)")
    subprocess.run([sys.executable, "-c", code], check=True)

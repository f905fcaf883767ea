"""incidex: a sourced, geocoded, time-anchored incident database built from conflict reports."""

__version__ = "0.1.0"
PIPELINE_VERSION = "incidex.pipeline.v1"

"""The place index: build it from packaged GeoNames data, look names up, rank candidates."""

from incidex.gazetteer.index import Candidate, Gazetteer, fold

__all__ = ["Candidate", "Gazetteer", "fold"]

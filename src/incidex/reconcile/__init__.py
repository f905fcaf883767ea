"""Reconciliation: group events from different documents into Incidents, with every claim kept.

Pure functions, no IO: ``cluster`` decides which events describe the same
happening (blocking on day x ~0.5-degree cells, a pairwise score, a threshold),
``incident`` builds the incidex/1 Incident object of a cluster (ranges over the
claims, disputes per field, flags), ``evaluate`` scores a clustering against a
hand-made truth with B-cubed precision and recall. The store and the CLI reach
this package through ``incidex.services.reconcile``. See docs/RECONCILE.md.
"""

from incidex.reconcile.cluster import Item, Params, cluster, score

__all__ = ["Item", "Params", "cluster", "score"]

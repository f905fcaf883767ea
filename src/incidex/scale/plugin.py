"""The Dask worker plugin of ``incidex ingest --workers/--scheduler``: the extractor is loaded once per worker.

A module of its own because a plugin must subclass ``distributed.WorkerPlugin``, and Dask is imported
only when a cluster is used (``dask_ingest`` imports this module inside ``prepare``).
"""

from __future__ import annotations

import asyncio
from typing import Any

from distributed import WorkerPlugin

from incidex.scale.dask_ingest import close_repositories, warm_up


class IngestPlugin(WorkerPlugin):
    """Loads spaCy and the gazetteer (and fits the classifier) when a worker starts or restarts, in a thread (not on its event loop,
    which must keep answering the scheduler). Only this small object travels; the model is never pickled."""

    name = "incidex-ingest"

    async def setup(self, worker: Any) -> None:
        await asyncio.get_running_loop().run_in_executor(None, warm_up)

    def teardown(self, worker: Any) -> None:
        close_repositories()

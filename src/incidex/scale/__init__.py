"""Scale-out: ingestion on a Dask cluster (``dask_ingest``) and the synthetic corpus it is measured on (``corpus``).

Dask is imported inside the functions that use it, so importing this package costs nothing.
"""

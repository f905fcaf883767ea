"""Evaluation: measure incidex against gold data and published systems.

``gold`` loads and validates the development gold (``eval/gold/*.jsonl``);
``score`` holds the pure scoring rules of ``shared/spec/gold-format.md`` and the
generic metrics (P/R/F1, geocoding error statistics, multi-class F1);
``extraction``, ``geoparse``, ``events`` and ``casualties`` run the pipeline on
a data set and score it; ``report`` writes ``docs/EVALUATION.md``. Nothing here
is imported by the pipeline, and the data sets are read from the shared folder
at run time, never copied into the repository.
"""

"""The store: documents exactly as received, the claims extracted from them, analyst review.

SQLAlchemy Core tables with plain names (``schema``), mapping to and from the
incidex/1 models (``mapping``), one repository every service goes through
(``repository``), the engine factory and Alembic migrations (``db``,
``migrations/``). SQLAlchemy is imported only by this package, never by the
CLI at start-up.
"""

"""The assistant's state in one schema for SQLite (embedded) and PostgreSQL (shared).

:mod:`bot.db.schema` declares the tables (SQLAlchemy Core), :mod:`bot.db.engine`
opens either database, :mod:`bot.db.migrate` applies the Alembic migrations of
``bot/db/migrations`` (at start-up and by ``python -m bot migrate``).
"""

"""Bringing an existing database up to the models, for additive changes.

The service is upgraded in the middle of a campaign, with a database full of
submissions: new tables and indexes are created, new columns are added with
ALTER TABLE ADD COLUMN (SQLite allows it for columns with a constant
default or NULL). Anything else refuses to start with a clear message
rather than guessing.
"""
from __future__ import annotations

from sqlalchemy import Column, inspect, text
from sqlalchemy.engine import Connection, Engine

from db.models import Base
from intake.errors import StorageError


def upgrade(engine: Engine) -> list[str]:
    """Creates what is missing; returns what was added ("table.column")."""
    Base.metadata.create_all(engine)          # new tables and their indexes
    added = []
    with engine.begin() as conn:
        existing = inspect(conn)
        for table in Base.metadata.sorted_tables:
            have = {c["name"] for c in existing.get_columns(table.name)}
            for column in table.columns:
                if column.name not in have:
                    _add_column(conn, table.name, column)
                    added.append(f"{table.name}.{column.name}")
            for index in table.indexes:
                index.create(conn, checkfirst=True)
    return added


def _add_column(conn: Connection, table: str, column: Column) -> None:
    default = column.default.arg if column.default is not None and column.default.is_scalar else None
    if not column.nullable and default is None:
        raise StorageError(f"the database needs column {table}.{column.name}, which cannot be "
                           "added in place: export the data and start a new database")
    type_sql = column.type.compile(dialect=conn.dialect)
    clause = f" DEFAULT {_literal(default)}" if default is not None else ""
    conn.execute(text(f'ALTER TABLE "{table}" ADD COLUMN "{column.name}" {type_sql}{clause}'))


def _literal(value: object) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (int, float)):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"

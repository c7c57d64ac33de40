"""A new diary entry, its first version and its item scores, written in one statement.

A submission writes three rows that reference each other. Through the ORM that is a
transaction of five round trips to the database (BEGIN, three INSERTs, COMMIT), and under the
evening peak the round trips and the ORM's work per row cost more than the rows themselves.
On PostgreSQL, ``insert_entry`` sends the three INSERTs as one statement of data-modifying
``WITH`` clauses, each referencing the row the previous one inserted; one statement is one
transaction, so either every row is stored or none is, and a unique constraint refused (a
retried key, a second submission for the day) raises ``IntegrityError`` as before.

Each INSERT is the SQL Django's own insert compiler makes for the model instance, the same
columns and the same value conversion as ``Model.save()``; only the parent's id is a
sub-select of the clause before. The compiler's SQL depends only on the model, the number of
rows, the RETURNING clause and which columns are sub-selects, so it is made once per process
for each such shape; every later insert of that shape only converts its values, as the
compiler does (``field.pre_save`` then ``field.get_db_prep_save``). Compiling was a tenth of a
submission's time. Other databases (SQLite) save the instances through the ORM in a
transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from django.db import connections, transaction
from django.db.models import Field, Model
from django.db.models.expressions import RawSQL
from django.db.models.sql import InsertQuery

from diary.models import DiaryEntry, EntryVersion, ItemScore


def insert_entry(
    entry: DiaryEntry,
    version: EntryVersion,
    scores: Sequence[ItemScore],
    using: str = "default",
) -> None:
    """Store the unsaved ``entry``, ``version`` (of ``entry``) and ``scores`` (of ``version``),
    all or none; each instance gets its primary key as ``save()`` would give it."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        with transaction.atomic(using=using):
            entry.save(force_insert=True, using=using)
            version.entry = entry
            version.save(force_insert=True, using=using)
            for score in scores:
                score.version = version
            ItemScore.objects.using(using).bulk_create(scores)
        return
    version.entry_id = RawSQL("(SELECT id FROM new_entry)", [])  # type: ignore[assignment]
    for score in scores:
        score.version_id = RawSQL("(SELECT id FROM new_version)", [])  # type: ignore[assignment]
    clauses = [
        ("new_entry", _insert_sql([entry], connection, returning=True)),
        ("new_version", _insert_sql([version], connection, returning=True)),
    ]
    if scores:
        clauses.append(("new_scores", _insert_sql(scores, connection, returning=False)))
    sql = "WITH " + ", ".join(f"{name} AS ({part})" for name, (part, _) in clauses)
    sql += " SELECT new_entry.id, new_version.id FROM new_entry, new_version"
    params = [param for _, (_, part_params) in clauses for param in part_params]
    # Outside a transaction the statement is one by itself (no BEGIN and COMMIT round trips);
    # inside one, a savepoint keeps the outer transaction usable if a constraint refuses it.
    savepoint = transaction.atomic(using=using) if connection.in_atomic_block else nullcontext()
    with savepoint, connection.cursor() as cursor:
        cursor.execute(sql, params)
        entry_id, version_id = cursor.fetchone()
    _saved(entry, entry_id, using)
    version.entry = entry
    _saved(version, version_id, using)
    for score in scores:
        score.version = version
        score._state.adding, score._state.db = False, using  # their ids are not read back


@dataclass(frozen=True)
class _Compiled:
    """The SQL of one shape of INSERT and the fields whose values are its parameters."""

    sql: str
    fields: tuple[Field, ...]


# By (model, rows, RETURNING, sub-selected columns, database alias): a submission has three
# shapes, one per item count for its scores.
_COMPILED: dict[tuple[Any, ...], _Compiled] = {}


def _insert_sql(
    objs: Sequence[Model], connection: Any, *, returning: bool
) -> tuple[str, Sequence[Any]]:
    """The INSERT that ``save()`` (one object) or ``bulk_create`` (several) would send."""
    meta = objs[0]._meta
    fields = [field for field in meta.concrete_fields if field is not meta.auto_field]
    shape = _shape(objs, fields)
    key = (type(objs[0]), len(objs), returning, shape, connection.alias)
    compiled = _COMPILED.get(key) if shape is not None else None
    if compiled is None:
        sql, params = _compile(objs, fields, connection, returning=returning)
        if shape is not None:
            sub_selected = {attname for attname, _ in shape}
            _COMPILED[key] = _Compiled(
                sql, tuple(f for f in fields if f.attname not in sub_selected)
            )
        return sql, params
    params = tuple(
        field.get_db_prep_save(field.pre_save(obj, True), connection=connection)
        for obj in objs
        for field in compiled.fields
    )
    return compiled.sql, params


def _shape(objs: Sequence[Model], fields: list[Field]) -> tuple[tuple[str, str], ...] | None:
    """The columns given as parameterless sub-selects (``RawSQL``), the same in every row; None
    when a value is any other expression (then the INSERT is compiled each time)."""
    shape = None
    for obj in objs:
        found = []
        for field in fields:
            value = getattr(obj, field.attname)
            if hasattr(value, "resolve_expression"):
                if type(value) is not RawSQL or value.params:
                    return None
                found.append((field.attname, value.sql))
        if shape is not None and tuple(found) != shape:
            return None
        shape = tuple(found)
    return shape


def _compile(
    objs: Sequence[Model], fields: list[Field], connection: Any, *, returning: bool
) -> tuple[str, Sequence[Any]]:
    meta = objs[0]._meta
    query = InsertQuery(type(objs[0]))
    query.insert_values(fields, objs)
    compiler = query.get_compiler(connection=connection)
    compiler.returning_fields = [meta.pk] if returning else None
    [(sql, params)] = compiler.as_sql()
    return sql, params


def _saved(obj: Model, pk: int, using: str) -> None:
    obj.pk = pk
    obj._state.adding, obj._state.db = False, using

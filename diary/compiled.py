"""ORM queries compiled once per thread, then run with each call's values.

Django turns a queryset into SQL on every execution; for the scope query of every request
(subqueries for memberships, carer links and the instrument) that costs more CPU than
PostgreSQL takes to answer it. ``CompiledQuery`` builds the queryset with stand-in values,
compiles it once per thread and database, and then runs the same SQL with the call's values
in place of the stand-ins, turning the row into a model instance exactly as the ORM does
(its ``select_related`` objects, annotations and the database's value converters).

The queryset stays the definition of the query: the SQL is Django's, only its compilation
is reused.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators


@dataclass(frozen=True)
class _Compiled:
    compiler: Any
    sql: str
    params: tuple[Any, ...]
    slots: dict[int, str]  # parameter position -> name of the value that goes there
    # What turns a row into the model instance, worked out once as well: the database's
    # value converters of the selected columns, the main model's column names and the
    # populators of its ``select_related`` objects (``ModelIterable`` makes them per query).
    converters: dict[int, Any]
    names: list[str]
    populators: list[Any]


class CompiledQuery:
    """``build(**stand_ins)`` returns the queryset; ``first(**values)`` runs it for one row.

    Stand-ins must be values no real call passes and no constant of the query equals (the
    compilation checks that each appears among the SQL parameters).
    """

    def __init__(self, build: Callable[..., QuerySet[Any]], **stand_ins: Any) -> None:
        self.build = build
        self.stand_ins = stand_ins
        self._local = threading.local()

    def first(self, using: str = "default", **values: Any) -> Model | None:
        compiled = self._compiled(using)
        params = [
            values[compiled.slots[i]] if i in compiled.slots else value
            for i, value in enumerate(compiled.params)
        ]
        with connections[using].cursor() as cursor:
            cursor.execute(compiled.sql, params)
            row = cursor.fetchone()
        return None if row is None else _instance(compiled, row, using)

    def _compiled(self, using: str) -> _Compiled:
        cache = self._local.__dict__.setdefault("compiled", {})
        # A connection object belongs to its thread and may be replaced (CONN_MAX_AGE): the
        # compilation is kept for as long as the connection it was made with.
        connection = connections[using]
        found = cache.get(using)
        if found is None or found.compiler.connection is not connection:
            found = cache[using] = self._compile(using)
        return found

    def _compile(self, using: str) -> _Compiled:
        queryset = self.build(**self.stand_ins)[:1]
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        slots = {
            i: name
            for i, value in enumerate(params)
            for name, stand_in in self.stand_ins.items()
            if type(value) is type(stand_in) and value == stand_in
        }
        missing = set(self.stand_ins) - set(slots.values())
        if missing:
            raise ValueError(f"stand-ins not among the query's parameters: {sorted(missing)}")
        select, klass_info = compiler.select, compiler.klass_info
        columns = klass_info["select_fields"]
        return _Compiled(
            compiler,
            sql,
            tuple(params),
            slots,
            # As ``SQLCompiler.results_iter`` and ``ModelIterable`` work them out per query.
            converters=compiler.get_converters([s[0] for s in select[0 : compiler.col_count]]),
            names=[f[0].target.attname for f in select[columns[0] : columns[-1] + 1]],
            populators=get_related_populators(klass_info, select, using),
        )


def _instance(compiled: _Compiled, row: tuple[Any, ...], using: str) -> Model:
    """The model instance for ``row``, as ``django.db.models.query.ModelIterable`` makes it."""
    compiler = compiled.compiler
    if compiled.converters:
        (row,) = compiler.apply_converters([row], compiled.converters)
    start = compiler.klass_info["select_fields"][0]
    obj = compiler.klass_info["model"].from_db(
        using, compiled.names, row[start : start + len(compiled.names)]
    )
    for populator in compiled.populators:
        populator.populate(row, obj)
    for name, position in compiler.annotation_col_map.items():
        setattr(obj, name, row[position])
    return obj

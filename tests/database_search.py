"""A search of every column of every table, for tests that prove some value is gone."""

from django.db import connection


def holding(needles: list[str]) -> set[tuple[str, str, str]]:
    """(table, column, needle) for every column of every table whose text holds a needle.

    Every column is cast to text, so char, text, date, date-time and JSON columns are all read
    (history tables and the PostgreSQL journal included); the match ignores case.
    """
    quote = connection.ops.quote_name
    found = set()
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                text = f"UPPER(CAST({quote(column.name)} AS TEXT))"
                for needle in needles:
                    cursor.execute(
                        f"SELECT 1 FROM {quote(table)} WHERE {text} LIKE %s",
                        [f"%{needle.upper()}%"],
                    )
                    if cursor.fetchone():
                        found.add((table, column.name, needle))
    return found

"""The database's own journal of row changes to clinical tables (PostgreSQL triggers)."""

from django.db import models
from django.db.models.functions import Now


class RawChange(models.Model):
    """One row change of a tracked clinical table, journalled by the database itself.

    On PostgreSQL an ``AFTER INSERT OR UPDATE OR DELETE`` trigger on every tracked mutable
    clinical table (migration ``diary.0006_raw_change``) writes the old and new row here, so a
    change made with raw SQL, outside the application and simple-history, is still recorded.
    Changes made through the application are journalled too. The table is append-only (a
    trigger refuses UPDATE and DELETE). SQLite has no triggers here: the table stays empty.
    """

    at = models.DateTimeField(db_default=Now())
    db_user = models.TextField(blank=True, default="")
    txid = models.BigIntegerField(null=True, blank=True)
    table_name = models.TextField()
    operation = models.TextField()
    old_row = models.JSONField(null=True, blank=True)
    new_row = models.JSONField(null=True, blank=True)

    class Meta:
        db_table = "audit_raw_change"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.operation} on {self.table_name} at {self.at.isoformat()}"

"""Writes of the clinician side: clinical records, the record access log and clinic settings.

Every function is keyword-only, runs in one ``transaction.atomic`` and attributes its tracked
writes with ``audit_context`` (who, in which role, why), so the audit trail never depends on
the caller being a web request.
"""

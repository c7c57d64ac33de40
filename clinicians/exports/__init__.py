"""Exports of diaries and scores: spreadsheet-safe CSV and FHIR R4 JSON."""

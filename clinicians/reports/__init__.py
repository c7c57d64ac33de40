"""Reads of the clinician side: dashboard rows, the patient page, the pre-clinic summary, the
period summary and the clinic day. Each reader batches: a fixed number of queries for any
number of patients (diary days for all of them in one query, clinical records in one query per
kind), then pure ``scoring`` in memory.
"""

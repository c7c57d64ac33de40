"""The reading pages: dashboard, patient page, pre-clinic summary, clinic day, and their charts.

Each reader batches: a fixed number of queries for any number of patients, then pure
``scoring`` in memory.
"""

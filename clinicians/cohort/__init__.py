"""The clinic cohort report: the 2023 trial's Table 2 and Figure 2 for a clinic's own patients.

``visits`` computes each patient's values at the cohort visits (the one path behind both
``/api/v1/patients/{id}/periods/`` and the cohort), ``report`` aggregates them per disease
group, ``chart`` lays out Figure 2, ``api`` and ``views`` serve them.
"""

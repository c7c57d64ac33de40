"""The clinician pages under /clinic/: dashboard, patient, summary, clinic day, records,
exports and clinic admin. Only clinic staff reach them; everyone else gets a 404."""

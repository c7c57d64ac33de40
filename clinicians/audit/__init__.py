"""The audit trail as an inspector reads it, and the log of every read of a patient's record."""

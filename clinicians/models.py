"""The app's models live with their jobs; Django finds them through this module."""

from clinicians.alerts.models import Alert
from clinicians.alerts.rules import ClinicAlertRules
from clinicians.audit.models import RecordAccess
from clinicians.cohort.models import CohortSettings
from clinicians.nightly.models import EmailClaim, NightRun, PatientEvaluation
from clinicians.records.models import (
    Appointment,
    Measurement,
    PGAAssessment,
    SteroidDose,
    StudyPeriod,
    TreatmentCourse,
)

__all__ = [
    "Alert",
    "Appointment",
    "ClinicAlertRules",
    "CohortSettings",
    "EmailClaim",
    "Measurement",
    "NightRun",
    "PGAAssessment",
    "PatientEvaluation",
    "RecordAccess",
    "SteroidDose",
    "StudyPeriod",
    "TreatmentCourse",
]

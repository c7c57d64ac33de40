"""The diary app's models, one module per group; Django finds them through this package.

``people``: users, API tokens, patients, identities, carers' links and invitations.
``entries``: instruments, diary entries, versions, item scores and the stored 7-day DDS.
``journal``: the database's own journal of row changes.
"""

from diary.clinics import (
    validate_time_zone,  # named by migrations as diary.models.validate_time_zone
)
from diary.models.entries import (
    DailyScore,
    DiaryEntry,
    EntryVersion,
    InstrumentDefinition,
    ItemScore,
)
from diary.models.journal import RawChange
from diary.models.people import (
    IDENTITY_FIELDS,
    NOTES_MAX_LENGTH,
    ApiToken,
    CarerInvitation,
    CarerLink,
    Disease,
    Language,
    Patient,
    PatientIdentity,
    Role,
    Source,
    Timeliness,
    User,
)

__all__ = [
    "IDENTITY_FIELDS",
    "NOTES_MAX_LENGTH",
    "ApiToken",
    "CarerInvitation",
    "CarerLink",
    "DailyScore",
    "DiaryEntry",
    "Disease",
    "EntryVersion",
    "InstrumentDefinition",
    "ItemScore",
    "Language",
    "Patient",
    "PatientIdentity",
    "RawChange",
    "Role",
    "Source",
    "Timeliness",
    "User",
    "validate_time_zone",
]

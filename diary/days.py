"""The diary day (SPEC §2): which calendar day an entry is for, and whether it is on time.

A diary day is a date in the patient's IANA time zone. Evening diaries run late, so a day stays
"on time" until the clinic's cut-off (default 04:00) on the following morning, and carers may
still enter it, marked late, until the cut-off on the morning after the back-fill window
(default 3 days). Later days are locked for carers; clinic staff may transcribe paper diaries
for any past day. Future days are refused for everyone.

All moments are compared as aware datetimes, so DST changes (a 23- or 25-hour day) are handled
by ``zoneinfo`` rather than by adding hours.
"""

import datetime
import zoneinfo
from dataclasses import dataclass
from typing import Any

ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class DayRules:
    time_zone: str
    cutoff: datetime.time
    backfill_days: int

    @classmethod
    def for_patient(cls, patient: Any) -> "DayRules":
        clinic = patient.clinic
        return cls(patient.time_zone, clinic.diary_cutoff, clinic.backfill_days)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def local_date(self, moment: datetime.datetime) -> datetime.date:
        """The calendar date of ``moment`` in the patient's zone."""
        return moment.astimezone(self.zone).date()

    def cutoff_moment(self, day: datetime.date) -> datetime.datetime:
        """Until this moment an entry for ``day`` is on time: the cut-off the morning after."""
        return datetime.datetime.combine(day + ONE_DAY, self.cutoff, tzinfo=self.zone)

    def lock_moment(self, day: datetime.date) -> datetime.datetime:
        """From this moment ``day`` is locked for carers."""
        last_day = day + datetime.timedelta(days=self.backfill_days)
        return datetime.datetime.combine(last_day + ONE_DAY, self.cutoff, tzinfo=self.zone)

    def offered_day(self, now: datetime.datetime) -> datetime.date:
        """The day the entry form offers first: last night's day until the cut-off."""
        local = now.astimezone(self.zone)
        if local.time() < self.cutoff:
            return local.date() - ONE_DAY
        return local.date()

    def is_future(self, day: datetime.date, now: datetime.datetime) -> bool:
        return day > self.local_date(now)

    def is_on_time(self, day: datetime.date, now: datetime.datetime) -> bool:
        return now < self.cutoff_moment(day)

    def is_locked(self, day: datetime.date, now: datetime.datetime) -> bool:
        return now >= self.lock_moment(day)

    def open_days(self, now: datetime.datetime) -> list[datetime.date]:
        """Days a carer may still enter at ``now``, newest first."""
        today = self.local_date(now)
        days = []
        day = today
        while not self.is_locked(day, now):
            days.append(day)
            day -= ONE_DAY
        return days

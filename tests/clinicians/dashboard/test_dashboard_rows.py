"""The dashboard's rows follow the diary: a new entry or a correction shows on the next visit."""

import datetime

from django.utils import timezone

from clinicians.dashboard.rows import Filters, dashboard
from diary.days import DayRules
from diary.services import Submission, correct_entry
from tests.clinicians.clinic_data import CANDLE, same_every_day, write_days


def _dds(cast):
    board = dashboard(cast.clinician, Filters())
    return {row.patient.pk: row.score.value for row in board.rows}[cast.patient.pk]


def _correct_back_to_ones(cast, version, day):
    """The carer corrects ``version``'s entry to a 1 on every item."""
    correct_entry(
        entry=version.entry,
        user=cast.carer,
        submission=Submission(date=day, scores=dict.fromkeys(CANDLE, 1)),
        source="web",
        reason="typo",
    )


def test_a_new_entry_and_a_correction_change_the_row_on_the_next_visit(cast):
    today = DayRules.for_patient(cast.patient).offered_day(timezone.now())
    yesterday = today - datetime.timedelta(days=1)
    write_days(cast.patient, cast.carer, same_every_day(CANDLE, 1, yesterday, 13))
    # Six days of 1 in the window [today - 6, today]: every item's mean is 1.
    assert _dds(cast) == 1
    assert _dds(cast) == 1  # the second visit reads the same rows
    [version] = write_days(cast.patient, cast.carer, {today: dict.fromkeys(CANDLE, 4)})
    # Six days of 1 and one of 4: (6 + 4) / 7 per item.
    assert _dds(cast) * 7 == 10
    _correct_back_to_ones(cast, version, today)
    assert _dds(cast) == 1

"""The dashboard's rows follow the diary: a new entry or a correction shows on the next visit,
whatever the dashboard kept from the visit before (its scores are kept by their inputs)."""

import datetime

from django.utils import timezone

from clinicians.reports.dashboard import Filters, dashboard
from diary.days import DayRules
from diary.instruments import current_instrument
from diary.models import EntryVersion
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


def _item_score_reads(cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        dashboard(cast.clinician, Filters())
    return [q["sql"] for q in captured.captured_queries if "diary_itemscore" in q["sql"]]


def test_a_second_visit_reads_item_scores_only_for_patients_whose_diary_moved(cast):
    today = DayRules.for_patient(cast.patient).offered_day(timezone.now())
    yesterday = today - datetime.timedelta(days=1)
    write_days(cast.patient, cast.carer, same_every_day(CANDLE, 1, yesterday, 13))
    assert _item_score_reads(cast)  # the first visit reads the window
    assert _item_score_reads(cast) == []  # nothing moved: every row is kept
    write_days(cast.patient, cast.carer, {today: dict.fromkeys(CANDLE, 4)})
    [read] = _item_score_reads(cast)  # one patient's window is read again
    assert f"IN ({cast.patient.pk})" in read.replace("= ANY", "IN").replace("'{", "(")
    assert _dds(cast) * 7 == 10


def _rows(cast):
    board = dashboard(cast.clinician, Filters())
    return {
        row.patient.pk: (row.score, row.instrument, row.change, row.spark, row.completeness)
        for row in board.rows
    }


def test_another_process_shows_the_rows_kept_in_the_database_without_reading_scores(cast):
    from clinicians.models import KeptDashboardRow
    from clinicians.reports.dashboard import forget_kept_rows

    today = DayRules.for_patient(cast.patient).offered_day(timezone.now())
    days = same_every_day(CANDLE, 1, today - datetime.timedelta(days=10), 13)
    days.update(same_every_day(CANDLE, 3, today, 3))
    write_days(cast.patient, cast.carer, days)
    first = _rows(cast)
    assert KeptDashboardRow.objects.filter(patient=cast.patient, day=today).count() == 1
    forget_kept_rows()  # what a process that has not shown the dashboard yet holds
    assert _item_score_reads(cast) == []
    forget_kept_rows()
    assert _rows(cast) == first  # the same scores, Fractions, statuses and instruments


def test_kept_rows_of_earlier_days_are_removed_when_a_row_is_kept_again(cast):
    from clinicians.models import KeptDashboardRow

    today = DayRules.for_patient(cast.patient).offered_day(timezone.now())
    KeptDashboardRow.objects.create(
        key="0" * 64, patient=cast.patient, day=today - datetime.timedelta(days=1), scores={}
    )
    write_days(cast.patient, cast.carer, same_every_day(CANDLE, 1, today, 7))
    dashboard(cast.clinician, Filters())
    assert list(
        KeptDashboardRow.objects.filter(patient=cast.patient).values_list("day", flat=True)
    ) == [today]


def test_the_minute_task_keeps_the_rows_of_patients_with_new_entries(cast):
    """``clinicians.keep_fresh_rows`` (every minute): after a carer's entry, the next visit of
    the dashboard, in any process, reads no item scores."""
    from clinicians import tasks
    from clinicians.models import KeptDashboardRow, KeptRowsMark
    from clinicians.reports.dashboard import forget_kept_rows

    today = DayRules.for_patient(cast.patient).offered_day(timezone.now())
    yesterday = today - datetime.timedelta(days=1)
    write_days(cast.patient, cast.carer, same_every_day(CANDLE, 1, yesterday, 10))
    assert tasks.keep_fresh_rows() == 0  # the first call only sets the bookmark
    assert KeptRowsMark.objects.get().last_version_id == EntryVersion.objects.latest("pk").pk
    assert not KeptDashboardRow.objects.exists()
    assert _dds(cast) == 1  # a visit keeps every row of the clinic

    [version] = write_days(cast.patient, cast.carer, {today: dict.fromkeys(CANDLE, 4)})
    other_today = DayRules.for_patient(cast.other_patient).offered_day(timezone.now())
    savi = [item.code for item in current_instrument(cast.other_patient).items]
    write_days(cast.other_patient, cast.other_carer, {other_today: dict.fromkeys(savi, 2)})
    assert tasks.keep_fresh_rows() == 2  # both patients with new entries
    assert KeptRowsMark.objects.get().last_version_id == EntryVersion.objects.latest("pk").pk
    forget_kept_rows()  # a process that has not shown the dashboard yet
    assert _item_score_reads(cast) == []
    assert _dds(cast) * 7 == 10  # (6 x 1 + 4) / 7: the new entry is in the kept row

    assert tasks.keep_fresh_rows() == 0  # nothing new since
    _correct_back_to_ones(cast, version, today)
    assert tasks.keep_fresh_rows() == 1
    forget_kept_rows()
    assert _item_score_reads(cast) == [] and _dds(cast) == 1

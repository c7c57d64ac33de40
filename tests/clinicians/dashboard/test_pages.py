"""The clinician pages through their URLs, with the named cast."""

import datetime
import itertools
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from clinicians.alerts.models import Alert
from clinicians.audit.models import RecordAccess
from clinicians.records.models import Appointment, PGAAssessment, SteroidDose, TreatmentCourse
from diary.instruments import current_instrument
from diary.models import EntryVersion
from tests.clinicians.clinic_data import CANDLE, same_every_day, write_days
from tests.conftest import MEMBERS, sign_in

STAFF = {"clinician", "clinic_admin"}


def _client(client, cast, name):
    member = cast.member(name)
    if name != "anonymous":
        sign_in(client, member)
    return client


def _today(patient):
    from diary.days import DayRules

    return DayRules.for_patient(patient).offered_day(timezone.now())


def _patient_urls(pk):
    return [
        f"/clinic/patients/{pk}/",
        f"/clinic/patients/{pk}/?range=all",
        f"/clinic/patients/{pk}/summary/",
        f"/clinic/patients/{pk}/records/",
        f"/clinic/patients/{pk}/transcribe/",
        f"/clinic/patients/{pk}/export.csv?rows=versions",
        f"/clinic/patients/{pk}/export.csv?rows=days",
        f"/clinic/patients/{pk}/export.fhir.json",
    ]


@pytest.mark.parametrize("name", MEMBERS)
def test_patient_pages_answer_only_clinic_staff_of_the_patients_clinic(client, cast, name):
    client = _client(client, cast, name)
    for url in _patient_urls(cast.patient.pk):
        response = client.get(url)
        if name in STAFF:
            assert response.status_code == 200, url
        elif name == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        else:
            assert response.status_code == 404, (name, url)


@pytest.mark.parametrize("name", ["clinician", "clinic_admin", "outside_clinician"])
def test_a_patient_of_another_clinic_is_a_404_everywhere(client, cast, name):
    client = _client(client, cast, name)
    other = cast.other_patient if name != "outside_clinician" else cast.patient
    for url in [*_patient_urls(other.pk), f"/clinic/patients/{2**62}/", "/clinic/patients/0/"]:
        assert client.get(url).status_code == 404, url
    posts = [
        f"/clinic/patients/{other.pk}/records/pga/",
        f"/clinic/patients/{other.pk}/transcribe/",
        f"/clinic/patients/{other.pk}/alerts/1/acknowledge/",
    ]
    for url in posts:
        assert client.post(url, {"pga-score": "1", "pga-date": "2026-01-01"}).status_code == 404


@pytest.mark.parametrize("name", MEMBERS)
def test_dashboard_and_clinic_day_are_for_clinic_staff_only(client, cast, name):
    client = _client(client, cast, name)
    for url in ["/clinic/", "/clinic/day/", "/clinic/day/print/"]:
        response = client.get(url)
        if name in STAFF or name == "outside_clinician":
            assert response.status_code == 200
        elif name == "anonymous":
            assert response.status_code == 302
        else:
            assert response.status_code == 404


def test_the_dashboard_lists_the_clinics_patients_attention_first(client, cast):
    today = _today(cast.patient)
    # patient: every item 1 for two weeks → 7-day DDS 1.0, active at CANDLE's 0.5.
    write_days(cast.patient, cast.carer, same_every_day(CANDLE, 1, today, 14))
    # unlinked_patient (AGS): no entries → insufficient, but an open alert.
    Alert.objects.create(
        patient=cast.unlinked_patient,
        rule="diary_gap",
        audience="care_team",
        diary_date=today,
        reason="No entry for 7 days.",
        opened_at=timezone.now(),
    )
    sign_in(client, cast.clinician)
    page = client.get("/clinic/").content.decode()
    assert "AAA-0001" in page and "AAA-0002" in page and "BBB-0001" not in page
    # The open alert comes first, then the active patient.
    assert page.index("AAA-0002") < page.index("AAA-0001")
    assert "1.000" in page and "chip-active" in page and "1 open" in page
    assert "14/14" in page and "0/14" in page
    assert client.get("/clinic/?sort=reference").content.decode().index("AAA-0001") < (
        client.get("/clinic/?sort=reference").content.decode().index("AAA-0002")
    )


def test_dashboard_filters_by_disease_status_and_search(client, cast):
    write_days(cast.patient, cast.carer, same_every_day(CANDLE, 0, _today(cast.patient), 7))
    sign_in(client, cast.clinician)

    def rows(url):
        return re.findall(r'class="ref">([A-Z]{3}-\d{4})<', client.get(url).content.decode())

    assert rows("/clinic/?disease=AGS") == ["AAA-0002"]
    assert rows("/clinic/?status=remission") == ["AAA-0001"]
    assert rows("/clinic/?status=insufficient") == ["AAA-0002"]
    assert rows("/clinic/?q=aaa-0001") == ["AAA-0001"]
    assert rows(f"/clinic/?q={cast.unlinked_patient.display_name}") == ["AAA-0002"]
    assert rows("/clinic/?q=BBB") == []
    assert rows("/clinic/?disease=NOPE&status=nope&sort=nope") == ["AAA-0002", "AAA-0001"]


def test_the_patient_page_shows_the_trend_with_its_lines_gaps_and_period_table(client, cast):
    today = _today(cast.patient)
    days = same_every_day(CANDLE, 1, today, 7)
    days.update(same_every_day(CANDLE, 2, today - datetime.timedelta(days=20), 7))
    write_days(cast.patient, cast.carer, days, notes={today: "Fine day"})
    TreatmentCourse.objects.create(
        patient=cast.patient,
        drug="baricitinib",
        start_date=today - datetime.timedelta(days=10),
        regimen="2 mg twice daily",
        recorded_by=cast.clinician,
        recorded_at=timezone.now(),
    )
    sign_in(client, cast.clinician)
    page = client.get(f"/clinic/patients/{cast.patient.pk}/?range=4w").content.decode()
    assert 'class="control-line" data-value="0.5"' in page
    assert 'class="remission-line" data-value="0.15"' in page
    assert '<rect class="gap"' in page  # days 7-13 have no window with enough data
    assert "Treatment start: baricitinib, 2 mg twice daily" in page
    assert "Baseline (7 days before treatment)" in page and "Last 28 days" in page
    assert "Fine day" in page
    # The 7-day DDS today: every item 1 → 1.000, active.
    assert "1.000" in page and "chip-active" in page
    # Text alternative: the hidden table lists every day of the range.
    assert page.count('<tr><th scope="row"><time datetime="20') >= 28


def test_a_long_range_lists_the_dds_once_a_week_in_the_text_alternative(client, cast):
    """Past three months the hidden table lists every seventh day back from today: windows
    that cover each day exactly once (the CSV export keeps every day)."""
    today = _today(cast.patient)
    write_days(cast.patient, cast.carer, same_every_day(CANDLE, 1, today, 7))
    write_days(
        cast.patient,
        cast.carer,
        same_every_day(CANDLE, 2, today - datetime.timedelta(days=200), 1),
    )
    sign_in(client, cast.clinician)
    page = client.get(f"/clinic/patients/{cast.patient.pk}/?range=all").content.decode()
    assert "7-day DDS once a week" in page
    listed = re.findall(r'<tr><th scope="row"><time datetime="(\d{4}-\d\d-\d\d)">', page)
    days = [datetime.date.fromisoformat(d) for d in listed]
    assert days[-1] == today and len(days) == 201 // 7 + 1
    assert all((b - a).days == 7 for a, b in itertools.pairwise(days))
    short = client.get(f"/clinic/patients/{cast.patient.pk}/?range=3m").content.decode()
    assert "7-day DDS by day" in short and "once a week" not in short


def test_every_view_and_export_is_logged_without_clinical_values(client, cast):
    sign_in(client, cast.clinician)
    for url in _patient_urls(cast.patient.pk):
        client.get(url)
    logged = list(RecordAccess.objects.order_by("pk").values_list("user", "patient", "what"))
    whats = [what for _, _, what in logged]
    assert whats == [
        "patient_page",
        "patient_page",
        "summary",
        "records_page",
        "export_csv_versions",
        "export_csv_days",
        "export_fhir",
    ]
    assert {(user, patient) for user, patient, _ in logged} == {
        (cast.clinician.pk, cast.patient.pk)
    }
    fields = {f.name for f in RecordAccess._meta.get_fields()}
    assert fields == {"id", "user", "patient", "what", "at"}


def _alert(patient, rule="severe_symptom"):
    return Alert.objects.create(
        patient=patient,
        rule=rule,
        audience="care_team",
        diary_date=timezone.now().date(),
        reason="Rash scored 4.",
        opened_at=timezone.now(),
    )


def test_acknowledge_with_a_note_then_resolve(client, cast):
    alert = _alert(cast.patient)
    sign_in(client, cast.clinician)
    base = f"/clinic/patients/{cast.patient.pk}/alerts/{alert.pk}"
    response = client.post(f"{base}/acknowledge/", {"note": "Phoned the family"})
    assert response.status_code == 302 and response["Location"].endswith("#alerts")
    alert.refresh_from_db()
    assert alert.status == "acknowledged" and alert.acknowledged_by == cast.clinician
    assert alert.acknowledgement_note == "Phoned the family"
    assert client.post(f"{base}/acknowledge/").status_code == 302  # already acknowledged: a message
    client.post(f"{base}/resolve/", {"note": "Settled"})
    alert.refresh_from_db()
    assert alert.status == "resolved" and alert.resolution_note == "Settled"
    page = client.get(f"/clinic/patients/{cast.patient.pk}/").content.decode()
    assert "Phoned the family" in page and "Settled" in page


def test_an_alert_of_another_patient_is_not_reachable_through_this_patient(client, cast):
    alert = _alert(cast.unlinked_patient)
    outside = _alert(cast.other_patient)
    sign_in(client, cast.clinician)
    url = f"/clinic/patients/{cast.patient.pk}/alerts/{alert.pk}/acknowledge/"
    assert client.post(url).status_code == 404
    url = f"/clinic/patients/{cast.patient.pk}/alerts/{outside.pk}/resolve/"
    assert client.post(url).status_code == 404
    assert Alert.objects.filter(status="open").count() == 2


def test_clinical_records_are_added_and_removed_through_the_records_page(client, cast):
    sign_in(client, cast.clinician)
    base = f"/clinic/patients/{cast.patient.pk}/records"
    today = _today(cast.patient)
    response = client.post(
        f"{base}/steroid/",
        {
            "steroid-drug": "dexamethasone",
            "steroid-mg_per_day": "0.75",
            "steroid-route": "oral",
            "steroid-from_date": today.isoformat(),
        },
    )
    assert response.status_code == 302
    dose = SteroidDose.objects.get()
    assert dose.prednisone_mg_per_day == Decimal("5.00")
    page = client.get(f"{base}/").content.decode()
    assert "Dexamethasone" in page and "5.00" in page

    bad = client.post(f"{base}/pga/", {"pga-date": today.isoformat(), "pga-score": "3.3"})
    assert bad.status_code == 400 and not PGAAssessment.objects.exists()
    future = (today + datetime.timedelta(days=2)).isoformat()
    bad = client.post(f"{base}/pga/", {"pga-date": future, "pga-score": "3.5"})
    assert bad.status_code == 400 and "future" in bad.content.decode()
    assert (
        client.post(f"{base}/pga/", {"pga-date": today.isoformat(), "pga-score": "3.5"}).status_code
        == 302
    )

    assert client.post(f"{base}/steroid/{dose.pk}/remove/", {"reason": ""}).status_code == 302
    assert SteroidDose.objects.exists()  # no reason, nothing removed
    client.post(f"{base}/steroid/{dose.pk}/remove/", {"reason": "wrong patient"})
    assert not SteroidDose.objects.exists()
    deleted = SteroidDose.history.filter(history_type="-").get()
    assert deleted.history_user == cast.clinician and deleted.history_role == "clinician"
    assert deleted.history_change_reason == "entered in error: wrong patient"
    assert client.post(f"{base}/nonsense/").status_code == 404


def test_an_appointment_is_booked_in_clinic_time_and_shown_on_the_clinic_day(client, cast):
    sign_in(client, cast.clinician)
    tomorrow = timezone.now().date() + datetime.timedelta(days=1)
    response = client.post(
        f"/clinic/patients/{cast.patient.pk}/records/appointment/",
        {
            "appointment-starts_at": f"{tomorrow.isoformat()}T09:30",
            "appointment-clinician": cast.clinician.pk,
            "appointment-purpose": "Review",
        },
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    local = appointment.starts_at.astimezone(datetime.UTC)
    assert appointment.starts_at.isoformat().startswith(tomorrow.isoformat())
    assert local.hour in (9, 8)  # Europe/London: GMT or BST
    day = client.get(f"/clinic/day/?date={tomorrow.isoformat()}").content.decode()
    assert "AAA-0001" in day and "09:30" in day
    printed = client.get(f"/clinic/day/print/?date={tomorrow.isoformat()}").content.decode()
    assert printed.count('class="sheet"') == 1
    assert RecordAccess.objects.filter(what="summary", patient=cast.patient).count() == 1


def test_a_paper_diary_day_needs_a_reason_and_is_stored_as_paper(client, cast):
    sign_in(client, cast.clinician)
    day = _today(cast.patient) - datetime.timedelta(days=30)
    url = f"/clinic/patients/{cast.patient.pk}/transcribe/"
    data = {"date": day.isoformat(), **{f"score_{c}": "2" for c in CANDLE}, "notes": "on paper"}
    response = client.post(url, data)
    assert response.status_code == 400 and not EntryVersion.objects.exists()
    response = client.post(url, {**data, "reason": "Paper diary brought to clinic"})
    assert response.status_code == 302
    version = EntryVersion.objects.get()
    assert version.source == "paper" and version.entered_by == cast.clinician
    assert version.entered_by_role == "clinician" and version.entry.timeliness == "transcribed"
    again = client.post(url, {**data, "reason": "again"})
    assert again.status_code == 400 and "already has an entry" in again.content.decode()


def test_the_summary_is_one_sheet_with_the_headline_figures(client, cast):
    today = _today(cast.patient)
    write_days(
        cast.patient,
        cast.carer,
        same_every_day(CANDLE, 1, today, 28),
        notes={today: "Tired after school"},
    )
    sign_in(client, cast.clinician)
    page = client.get(reverse("clinic:summary", args=[cast.patient.pk])).content.decode()
    assert page.count('class="sheet"') == 1
    assert "28/28" in page and "Tired after school" in page
    assert "1.000" in page  # 7- and 28-day DDS
    assert "0%" in page  # no day below the control threshold
    assert "print.css" in page and 'media="print"' in page


def test_the_entries_list_shows_every_version_with_its_own_scores(client, cast):
    from diary.services import Submission, correct_entry

    today = _today(cast.patient)
    write_days(cast.patient, cast.carer, same_every_day(CANDLE, 1, today, 2))
    entry = EntryVersion.objects.get(entry__date=today).entry
    correct_entry(
        entry=entry,
        user=cast.clinician,
        submission=Submission(date=today, scores={**dict.fromkeys(CANDLE, 1), "rash": 3}),
        source="web",
        reason="carer phoned: rash was <b>worse</b>",
    )
    sign_in(client, cast.clinician)
    page = client.get(f"/clinic/patients/{cast.patient.pk}/?range=4w").content.decode()
    shown = page[page.index(f'id="entry-{entry.pk}"') :]
    shown = shown[: shown.index("</details>")]
    assert "<b>2 versions</b>" in shown
    first, second = shown.split('<div class="version">')[1:]
    # Each item by its label in the reader's language, in the instrument's order.
    labels = [item.label_in("en") for item in current_instrument(cast.patient).items]
    ones = " · ".join(f"{label} 1" for label in labels)
    assert "<b>v1</b>" in first and ones in first
    assert "<b>v2</b>" in second and "Rash 3" in second
    assert "carer phoned: rash was &lt;b&gt;worse&lt;/b&gt;" in second
    # The summary line shows the latest version.
    assert "Rash 3" in shown[: shown.index("</summary>")]


def _score_reads(queries):
    # The stored days' read: latest item scores with the anti-join on newer versions.
    return [q["sql"] for q in queries if "diary_itemscore" in q["sql"] and "NOT EXISTS" in q["sql"]]


def test_the_patient_page_follows_corrections_and_new_entries(client, cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from diary.services import Submission, correct_entry, submit_entry

    today = _today(cast.patient)
    yesterday = today - datetime.timedelta(days=1)
    write_days(cast.patient, cast.carer, same_every_day(CANDLE, 1, yesterday, 10))
    sign_in(client, cast.clinician)
    url = f"/clinic/patients/{cast.patient.pk}/?range=4w"

    def visit():
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url).content.decode()
        return page, _score_reads(queries.captured_queries)

    first, reads = visit()
    assert len(reads) == 1 and "1.000" in first
    again, reads = visit()
    assert again.count("1.000") == first.count("1.000")

    # A correction adds a version: the next visit scores it.
    entry = EntryVersion.objects.get(entry__date=yesterday).entry
    every_two = dict.fromkeys(CANDLE, 2)
    correct_entry(
        entry=entry,
        user=cast.clinician,
        submission=Submission(date=yesterday, scores=every_two),
        source="web",
        reason="carer phoned",
    )
    corrected, reads = visit()
    assert len(reads) == 1
    assert "1.142" in corrected  # yesterday's 7-day DDS: (6 x 1 + 2) / 7, truncated

    # So does a new entry for today.
    submit_entry(
        patient=cast.patient,
        user=cast.carer,
        submission=Submission(date=today, scores=every_two),
        source="web",
    )
    newer, reads = visit()
    assert len(reads) == 1
    assert "1.285" in newer  # today's: (5 x 1 + 2 x 2) / 7


def test_the_trend_marks_a_steroid_start_and_follows_new_entries(client, cast):
    from diary.services import Submission, submit_entry

    today = _today(cast.patient)
    write_days(
        cast.patient, cast.carer, same_every_day(CANDLE, 1, today - datetime.timedelta(days=1), 10)
    )
    sign_in(client, cast.clinician)
    base = f"/clinic/patients/{cast.patient.pk}/"

    def charts_of(query="?range=4w"):
        page = client.get(base + query).content.decode()
        return page[
            page.index('<svg class="chart trend"') : page.index(
                '<section aria-labelledby="clinical-h"'
            )
        ]

    first = charts_of()
    assert charts_of() == first
    assert charts_of("?range=3m") != first  # another range, another drawing

    # A corticosteroid start is a marker on the trend.
    response = client.post(
        f"{base}records/steroid/",
        {
            "steroid-drug": "prednisolone",
            "steroid-mg_per_day": "10",
            "steroid-route": "oral",
            "steroid-from_date": (today - datetime.timedelta(days=3)).isoformat(),
        },
    )
    assert response.status_code == 302
    marked = charts_of()
    assert 'class="marker marker-steroid"' in marked
    assert 'class="marker marker-steroid"' not in first

    # A new entry shows with today's DDS.
    submit_entry(
        patient=cast.patient,
        user=cast.carer,
        submission=Submission(date=today, scores=dict.fromkeys(CANDLE, 2)),
        source="web",
    )
    newer = charts_of()
    assert "1.142" in newer  # (6 x 1 + 2) / 7, truncated
    assert "1.142" not in marked


def test_the_entries_list_names_who_entered_them_as_they_are_named_now(client, cast):
    today = _today(cast.patient)
    write_days(cast.patient, cast.carer, same_every_day(CANDLE, 1, today, 3))
    sign_in(client, cast.clinician)
    url = f"/clinic/patients/{cast.patient.pk}/?range=4w"

    def entries():
        page = client.get(url).content.decode()
        return page[page.index('aria-labelledby="entries-h"') :]

    first = entries()
    assert first.count(str(cast.carer)) >= 3
    assert entries() == first

    cast.carer.first_name, cast.carer.last_name = "Renamed", "Carer"
    cast.carer.save()
    assert entries().count("Renamed Carer") >= 3

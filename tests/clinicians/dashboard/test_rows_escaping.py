"""The dashboard rows and the patient page's entry list are template loops: Django's
autoescaping, not a hand-called escape, keeps a patient's reference, name or a carer's note
from becoming markup."""

import datetime

from django.utils import timezone

from diary.days import DayRules
from diary.models import Patient, PatientIdentity
from tests.clinicians.clinic_data import CANDLE, same_every_day, write_days
from tests.conftest import sign_in

SCRIPT = "<script>x()</script>"  # 20 characters: a reference holds no more


def test_a_reference_and_a_name_with_script_are_text_in_the_dashboard_row(client, cast):
    Patient.objects.filter(pk=cast.patient.pk).update(reference=SCRIPT)
    PatientIdentity.objects.filter(patient=cast.patient).update(display_name=f"{SCRIPT}&name")
    sign_in(client, cast.clinician)
    page = client.get("/clinic/").content.decode()
    assert SCRIPT not in page
    row = page[page.index('<span class="ref">&lt;script&gt;') :]
    row = row[: row.index("</tr>")]
    assert "&lt;script&gt;x()&lt;/script&gt;&amp;name" in row


def test_a_note_and_a_reason_with_script_are_text_in_the_entry_list(client, cast):
    from diary.models import EntryVersion

    today = DayRules.for_patient(cast.patient).offered_day(timezone.now())
    write_days(
        cast.patient,
        cast.carer,
        same_every_day(CANDLE, 1, today - datetime.timedelta(days=1), 2),
        notes={today - datetime.timedelta(days=1): f'{SCRIPT} "quoted" & <b>bold</b>'},
    )
    sign_in(client, cast.clinician)
    page = client.get(f"/clinic/patients/{cast.patient.pk}/?range=4w").content.decode()
    entries = page[page.index('aria-labelledby="entries-h"') :]
    assert SCRIPT not in entries and "<b>bold</b>" not in entries
    assert (
        "&lt;script&gt;x()&lt;/script&gt; &quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt;"
        in entries
    )
    assert EntryVersion.objects.filter(entry__patient=cast.patient).count() == 2

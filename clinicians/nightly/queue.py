"""Everything the nightly job puts on the broker, in one place: ids and nothing else.

No name, reference, note, score or address ever travels in a task message; a worker reads
what it needs from the database by id. Callers queue only after their transaction committed.
"""

from __future__ import annotations

from collections.abc import Sequence


def evaluate_batch(run_id: int, patient_ids: Sequence[int]) -> None:
    from clinicians.nightly import tasks  # tasks import the nightly modules

    tasks.evaluate_batch.delay(run_id, [int(pk) for pk in patient_ids])


def finish_night(run_id: int) -> None:
    from clinicians.nightly import tasks

    tasks.finish_night.delay(run_id)


def send_email(claim_id: int) -> None:
    from clinicians.nightly import tasks

    tasks.send_email.delay(claim_id)

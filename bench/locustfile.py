"""Locust users of the evening peak, driven by ``bench/load.py`` (which seeds, starts the stack,
runs locust headless on loopback and checks the result). Not meant to be run by hand.

``LOAD_DATA`` names the JSON file ``load.py`` wrote (carers' tokens and diaries, clinicians'
session cookies, the first free diary day); ``LOAD_RESULTS`` the JSON file this writes at the
end: every idempotency key the server accepted (201, or 200 replayed), the count of each status
per request type and the number of 5xx answers.

- ``CarerUser``: an evening diary for the next free (patient, day): 10% sent again with the same
  key (the phone's offline queue replaying; 200 expected), 5% sent again with a new key for the
  same day (409 expected); then the carer's week of entries.
- ``ClinicianUser``: the clinic dashboard (500 patients in the full run) and the patient page of
  a patient with three years of diary (range "all").
- ``SubmitUser``: submissions only, back to back (throughput against the floor).
- ``FloorUser``: the floor view (one inserted row), back to back.

Every user is a ``FastHttpUser`` (geventhttpclient): locust runs on the same 2 cores as the
stack it measures, and this client takes a fraction of the CPU that ``HttpUser`` (requests)
takes per request, leaving it to the server.
"""

from __future__ import annotations

import datetime
import json
import os
import random
import uuid
import zoneinfo
from collections import Counter, defaultdict, deque
from collections.abc import Iterator
from typing import Any

from locust import FastHttpUser, between, constant, events, task
from locust.exception import StopUser

DATA: dict[str, Any] = json.loads(open(os.environ["LOAD_DATA"]).read())  # noqa: SIM115
# Where the clinic pages are served: the same gunicorn unless ``load.py --page-pool`` gives
# them processes of their own.
PAGES_URL = os.environ.get("LOAD_PAGES_URL", "")
RETRY_SAME_KEY = 0.10
NEW_KEY_SAME_DAY = 0.05
CUTOFF_HOUR = 4
BACKFILL_DAYS = 3

accepted: set[tuple[int, str]] = set()
statuses: dict[str, Counter[int]] = defaultdict(Counter)
server_errors: list[str] = []
random.seed(20261121)


def _offered_day(zone: str) -> datetime.date:
    local = datetime.datetime.now(zoneinfo.ZoneInfo(zone))
    day = local.date()
    return day - datetime.timedelta(days=1) if local.hour < CUTOFF_HOUR else day


def _slots() -> Iterator[tuple[dict[str, Any], datetime.date]]:
    """Every (carer, day) still free: days after the seeded diaries, within the back-fill,
    that no earlier phase used."""
    first_free = datetime.date.fromisoformat(DATA["first_free_day"])
    for back in range(BACKFILL_DAYS + 1):
        for carer in DATA["carers"]:
            day = _offered_day(carer["zone"]) - datetime.timedelta(days=back)
            if day >= first_free and day.isoformat() not in carer["used"]:
                yield carer, day


# Built when the phase starts (each phase is a locust process of its own), so that a
# submission-only phase can leave the evening the slots it needs (``evening_reserve``).
SLOTS = deque(_slots())


@events.request.add_listener
def _count(name: str, response: Any, exception: Any, **_: Any) -> None:
    status = getattr(response, "status_code", 0) or 0
    statuses[name][status] += 1
    if status >= 500:
        server_errors.append(f"{name}: {status}")


@events.test_stop.add_listener
def _write_results(**_: Any) -> None:
    with open(os.environ["LOAD_RESULTS"], "w") as out:
        json.dump(
            {
                "accepted": sorted([p, k] for p, k in accepted),
                "statuses": {name: dict(c) for name, c in statuses.items()},
                "server_errors": len(server_errors),
            },
            out,
        )


def _replayed(response: Any) -> bool:
    return response.headers.get("Idempotency-Replayed") == "true"


def _body(carer: dict[str, Any], day: datetime.date) -> dict[str, Any]:
    return {
        "date": day.isoformat(),
        "scores": {code: random.randint(0, 3) for code in carer["items"]},
        "source": "offline",
    }


class _Carer(FastHttpUser):
    abstract = True

    def _post(self, carer: dict[str, Any], body: dict[str, Any], key: str, name: str, ok: int):
        url = f"/api/v1/patients/{carer['patient']}/entries/"
        headers = {"Authorization": f"Token {carer['token']}", "Idempotency-Key": key}
        # No answer at all (a connection reset): the phone's queue sends the same key again, and
        # the answer may then be the replay of a first attempt that did arrive.
        for _ in range(3):
            with self.client.post(
                url, json=body, headers=headers, name=name, catch_response=True
            ) as response:
                status = response.status_code
                if status == ok or (ok == 201 and status == 200 and _replayed(response)):
                    response.success()
                    if ok in (200, 201):
                        accepted.add((carer["patient"], key))
                else:
                    response.failure(f"{status}, expected {ok}")
            if status != 0:
                return

    def submit_evening(self, keep: int = 0) -> tuple[dict[str, Any], datetime.date]:
        """One evening's diary, unless only ``keep`` free (carer, day) slots are left."""
        if len(SLOTS) <= keep:
            raise StopUser()
        carer, day = SLOTS.popleft()
        body, key = _body(carer, day), str(uuid.uuid4())
        self._post(carer, body, key, "submit entry", 201)
        if random.random() < RETRY_SAME_KEY:
            self._post(carer, body, key, "submit entry (retry, same key)", 200)
        if random.random() < NEW_KEY_SAME_DAY:
            self._post(carer, body, str(uuid.uuid4()), "submit entry (new key, same day)", 409)
        return carer, day


class CarerUser(_Carer):
    weight = 4
    wait_time = between(0.5, 1.5)

    @task
    def evening(self) -> None:
        carer, day = self.submit_evening()
        week = f"?from={(day - datetime.timedelta(days=6)).isoformat()}&to={day.isoformat()}"
        self.client.get(
            f"/api/v1/patients/{carer['patient']}/entries/{week}",
            headers={"Authorization": f"Token {carer['token']}"},
            name="carer week",
        )


class ClinicianUser(FastHttpUser):
    weight = 1
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.clinician = random.choice(DATA["clinicians"])
        self.cookie = {"Cookie": f"{DATA['session_cookie']}={self.clinician['session']}"}

    def _get(self, url: str, name: str) -> None:
        with self.client.get(
            PAGES_URL + url,
            headers=self.cookie,
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}, expected 200")

    @task(1)
    def dashboard(self) -> None:
        self._get("/clinic/", "clinic dashboard")

    @task(2)
    def patient_page(self) -> None:
        patient = random.choice(self.clinician["long_patients"])
        self._get(f"/clinic/patients/{patient}/?range=all", "patient page (3 years)")

    @task(1)
    def cohort_page(self) -> None:
        self._get(f"/clinic/cohort/{self.clinician['clinic']}/", "cohort page")


class SubmitUser(_Carer):
    wait_time = constant(0)

    @task
    def submit(self) -> None:
        # The evening phase after these must still find evenings to submit.
        self.submit_evening(keep=DATA.get("evening_reserve", 0))


class FloorUser(FastHttpUser):
    wait_time = constant(0)

    @task
    def floor(self) -> None:
        self.client.post("/bench/floor/", name="floor: insert one row")

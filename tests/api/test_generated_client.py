"""A client generated from the committed schema works as written (issue 17, item 3).

openapi-python-client writes a typed client from ``docs/openapi.yaml`` into a temporary folder
(it reads only that file, no network); the test imports it and drives the live server with it,
as a carer's app would. The generator needs pydantic 2, which the FHIR test models cannot share
a virtual environment with, so it lives in ``.venv-codegen`` (``scripts/_venv.sh`` installs
``requirements-codegen.txt`` there); the client it writes runs in the project's own one.
"""

import importlib
import shutil
import subprocess
import sys
import types
import typing
import uuid
from pathlib import Path
from typing import Any

import pytest

from diary import selectors
from diary.models import EntryVersion
from tests.conftest import service_missing
from tests.diary.factories import CarerLinkFactory, PatientFactory

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "docs" / "openapi.yaml"
CODEGEN = ROOT / ".venv-codegen" / "bin" / "openapi-python-client"
PACKAGE = "ifn_diary_client"
PASSWORD = "correct horse battery staple"  # tests.diary.factories.UserFactory's


def generator() -> str:
    found = str(CODEGEN) if CODEGEN.exists() else shutil.which("openapi-python-client")
    if found is None:
        service_missing("openapi-python-client (scripts/_venv.sh installs it in .venv-codegen)")
    return str(found)


@pytest.fixture(scope="module")
def client_package(tmp_path_factory: Any) -> Any:
    """The generated package, imported from a temporary folder."""
    folder = tmp_path_factory.mktemp("generated")
    config = folder / "config.yaml"
    config.write_text("post_hooks: []\n")  # no formatter run: the code is only imported
    command = [
        generator(), "generate", "--path", str(SCHEMA), "--meta", "none",
        "--output-path", str(folder / PACKAGE), "--config", str(config), "--fail-on-warning",
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)  # noqa: S603
    assert done.returncode == 0, done.stdout + done.stderr
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))
        for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
            del sys.modules[name]


def token_from_api(package: Any, base_url: str, username: str) -> str:
    """An API token from the token endpoint, through the generated client (the one place in
    this test that knows how tokens are issued)."""
    from ifn_diary_client.api.auth import auth_token_create
    from ifn_diary_client.models import TokenInputRequest

    body = TokenInputRequest(username=username, password=PASSWORD)
    answer = auth_token_create.sync_detailed(client=package.Client(base_url), body=body)
    assert answer.status_code == 200, answer.content
    return answer.parsed.token


def declared(thing: Any, name: str) -> set[Any]:
    """The types the generated code declares for ``name`` (a field or a parameter)."""
    # The models import each other only for type checkers; the models package names them all.
    models = vars(importlib.import_module(f"{PACKAGE}.models"))
    hint = typing.get_type_hints(thing, localns=models)[name]
    is_union = typing.get_origin(hint) in (typing.Union, types.UnionType)
    return set(typing.get_args(hint)) if is_union else {hint}


def test_the_generated_client_sends_what_the_server_accepts(client_package):
    from ifn_diary_client.api.entries import entries_corrections_create
    from ifn_diary_client.api.patients import patients_entries_create
    from ifn_diary_client.models import CorrectionInputRequest, EntryCreated, EntryInputRequest

    for model in (EntryInputRequest, CorrectionInputRequest, EntryCreated):
        for field in ("temperature_c", "sleep_hours"):
            assert float in declared(model, field) and str not in declared(model, field)
    # httpx sends header values as text; a UUID object is refused before anything is sent.
    assert declared(patients_entries_create.sync_detailed, "idempotency_key") == {str}
    key = declared(entries_corrections_create.sync_detailed, "idempotency_key")
    assert str in key and uuid.UUID not in key


def test_a_generated_client_records_and_reads_diaries(client_package, cast, live_server):
    from ifn_diary_client.api.patients import patients_dds_retrieve, patients_entries_create
    from ifn_diary_client.models import EntryInputRequest, EntryInputRequestScores

    ags = PatientFactory(clinic=cast.clinic, reference="AAA-0003", disease="AGS")
    CarerLinkFactory(carer=cast.carer, patient=ags)
    day = selectors.current_diary_day(ags)  # the day the carer's diary offers now
    token = token_from_api(client_package, live_server.url, "carer")
    app = client_package.AuthenticatedClient(live_server.url, token=token, prefix="Token")

    def submit(patient: Any, key: str, **fields: Any) -> Any:
        scores = EntryInputRequestScores.from_dict({"fatigue": 1})
        body = EntryInputRequest(date=day, scores=scores, **fields)
        return patients_entries_create.sync_detailed(
            patient.pk, client=app, body=body, idempotency_key=key
        )

    candle = submit(cast.patient, str(uuid.uuid4()), temperature_c=38.6)
    assert candle.status_code == 201, candle.content
    assert candle.parsed.temperature_c == 38.6
    assert candle.parsed.scores["fever"] == 2  # 38.5-38.9 °C, set from the temperature

    key = str(uuid.uuid4())
    first = submit(ags, key, sleep_hours=5.5)
    assert first.status_code == 201, first.content
    assert first.parsed.sleep_hours == 5.5 and first.parsed.scores["sleep"] == 2
    again = submit(ags, key, sleep_hours=5.5)
    assert again.status_code == 200, again.content
    assert again.parsed.replayed is True and again.parsed.id == first.parsed.id
    assert again.headers["Idempotency-Replayed"] == "true"
    assert EntryVersion.objects.filter(entry__patient=ags).count() == 1

    series = patients_dds_retrieve.sync_detailed(ags.pk, client=app, from_=day, to=day)
    assert series.status_code == 200, series.content
    assert series.parsed.patient == ags.pk
    [row] = series.parsed.days
    assert row.date == day and (row.observed, row.expected) == (2, 8 * 7)  # fatigue, sleep

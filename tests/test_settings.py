"""Settings come from the environment and refuse to start when they are unsafe or malformed."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = "import django; django.setup(); from django.conf import settings; print(settings.{})"


def _run(env: dict[str, str], attribute: str = "DEBUG") -> subprocess.CompletedProcess[str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "REDIS_URL", "SITE_URL"}
    }
    base["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", PROBE.format(attribute)],
        cwd=ROOT,
        env=base | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_no_secret_key_without_debug_refuses_to_start():
    result = _run({"DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


PRODUCTION = {"DJANGO_ENV": "production", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "diary.test"}


def test_production_without_site_url_refuses_to_start():
    # Links in emails and every URL of the FHIR export would otherwise point at loopback.
    result = _run(PRODUCTION, "SITE_URL")
    assert result.returncode != 0
    assert "SITE_URL is required with DJANGO_ENV=production" in result.stderr
    blank = _run(PRODUCTION | {"SITE_URL": " "}, "SITE_URL")
    assert blank.returncode != 0


def test_production_takes_its_site_url_and_development_falls_back_to_loopback():
    site = _run(PRODUCTION | {"SITE_URL": "https://diary.example.org/"}, "SITE_URL")
    assert site.returncode == 0, site.stderr
    assert site.stdout.strip() == "https://diary.example.org"
    development = _run({"DEBUG": "1"}, "SITE_URL")
    assert development.stdout.strip() == "http://127.0.0.1:8000"


def test_debug_runs_without_a_secret_key():
    result = _run({"DEBUG": "1"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_a_malformed_boolean_is_refused():
    result = _run({"DEBUG": "maybe", "SECRET_KEY": "x" * 50})
    assert result.returncode != 0
    assert "DEBUG must be one of" in result.stderr


def test_tasks_run_inline_without_redis_and_on_the_broker_with_it():
    inline = _run({"DEBUG": "1"}, "CELERY_TASK_ALWAYS_EAGER")
    assert inline.stdout.strip() == "True"
    broker = _run({"DEBUG": "1", "REDIS_URL": "redis://127.0.0.1:6379/0"}, "CELERY_BROKER_URL")
    assert broker.stdout.strip() == "redis://127.0.0.1:6379/0"


def test_postgresql_comes_from_database_url():
    result = _run(
        {"DEBUG": "1", "DATABASE_URL": "postgres://app@db.example:5432/ifn"},
        "DATABASES['default']['ENGINE']",
    )
    assert result.stdout.strip() == "django.db.backends.postgresql"


def test_email_goes_to_smtp_only_when_a_host_is_set():
    console = _run({"DEBUG": "1"}, "EMAIL_BACKEND")
    assert console.stdout.strip().endswith("console.EmailBackend")
    smtp = _run({"DEBUG": "1", "EMAIL_HOST": "smtp.example"}, "EMAIL_BACKEND")
    assert smtp.stdout.strip().endswith("smtp.EmailBackend")


def test_env_example_lists_every_variable_the_settings_read():
    import re

    settings_text = (ROOT / "config" / "settings.py").read_text()
    read = set(re.findall(r'env_(?:str|bool|int|list)\("([A-Z_]+)"', settings_text))
    example = (ROOT / ".env.example").read_text()
    listed = set(re.findall(r"^#?\s*([A-Z_]+)=", example, flags=re.M))
    assert read <= listed, f"missing from .env.example: {sorted(read - listed)}"


def test_postgresql_prepares_statements_unless_turned_off():
    url = {"DEBUG": "1", "DATABASE_URL": "postgres://app@db.example:5432/ifn"}
    on = _run(url, "DATABASES['default']['OPTIONS']")
    assert "'server_side_binding': True" in on.stdout
    assert "'prepare_threshold': 5" in on.stdout
    off = _run(url | {"DB_PREPARED_STATEMENTS": "0"}, "DATABASES['default']['OPTIONS']")
    assert off.returncode == 0, off.stderr
    assert "server_side_binding" not in off.stdout
    assert "prepare_threshold" not in off.stdout

"""The scoring package stays framework-free, clock-free and documented."""

import ast
import inspect
from pathlib import Path

import pytest

import scoring

PACKAGE = Path(scoring.__file__).parent
FORBIDDEN_PACKAGES = {
    "django",
    "rest_framework",
    "celery",
    "kombu",
    "diary",
    "clinicians",
    "config",
}
FORBIDDEN_MODULES = {"time"}
FORBIDDEN_CALLS = {"datetime.now", "datetime.utcnow", "datetime.today", "date.today", "time.time"}


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def violations(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            modules = [node.module or ""] if node.level == 0 else []
            if node.level > 1:
                found.append(f"line {node.lineno}: relative import leaves the package")
        else:
            modules = []
            if isinstance(node, ast.Attribute) and any(
                _dotted(node).endswith(call) for call in FORBIDDEN_CALLS
            ):
                found.append(f"line {node.lineno}: reads the clock with {_dotted(node)}")
        for module in modules:
            root = module.split(".")[0]
            if root in FORBIDDEN_PACKAGES | FORBIDDEN_MODULES:
                found.append(f"line {node.lineno}: imports {module}")
    return found


@pytest.mark.parametrize(
    "source",
    [
        "import django",
        "from django.db import models",
        "import rest_framework.serializers",
        "from celery import shared_task",
        "from diary.models import Entry",
        "import clinicians",
        "from config import settings",
        "import time",
        "from datetime import datetime\nx = datetime.now()",
        "import datetime\nx = datetime.date.today()",
        "from datetime import date\nx = date.today()",
        "from .. import outside",
    ],
)
def test_checker_catches(source):
    assert violations(source)


def test_checker_allows_plain_dates():
    assert violations("from datetime import date, timedelta\nx = date(2025, 1, 1)") == []


@pytest.mark.parametrize("path", sorted(PACKAGE.glob("*.py")), ids=lambda path: path.name)
def test_module_is_pure(path):
    assert violations(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("name", scoring.__all__)
def test_public_name_exists_and_is_documented(name):
    value = getattr(scoring, name)
    if inspect.isfunction(value) or inspect.isclass(value):
        assert inspect.getdoc(value), f"{name} has no docstring"

"""Dependencies point one way: scoring <- diary <- clinicians.

``diary`` may use ``scoring`` but nothing of ``clinicians``: no import, no "clinicians.Model"
string reference and no ``apps.get_model("clinicians", ...)``. Migrations are history and
keep the references they were written with.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DIARY = ROOT / "diary"


def reaches_clinicians(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            modules = [node.module or ""]
        else:
            modules = []
        found += [
            f"line {node.lineno}: imports {m}" for m in modules if m.split(".")[0] == "clinicians"
        ]
        text = node.value if isinstance(node, ast.Constant) else None
        if isinstance(text, str) and (text == "clinicians" or text.startswith("clinicians.")):
            found.append(f"line {node.lineno}: names {node.value!r}")
    return found


@pytest.mark.parametrize(
    "source",
    [
        "import clinicians",
        "from clinicians.models import Alert",
        "from clinicians.alerts import selectors",
        'clinic = models.ForeignKey("clinicians.Clinic", on_delete=models.PROTECT)',
        'membership = apps.get_model("clinicians", "ClinicMembership")',
        'module = importlib.import_module("clinicians.models")',
    ],
)
def test_checker_catches(source):
    assert reaches_clinicians(source)


def test_checker_allows_url_names_and_words():
    source = 'redirect("clinic:dashboard")\n"""Clinic staff (clinicians, clinic admins)."""'
    assert reaches_clinicians(source) == []


def _diary_modules() -> list[Path]:
    return sorted(p for p in DIARY.rglob("*.py") if "migrations" not in p.parts)


@pytest.mark.parametrize("path", _diary_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_diary_does_not_depend_on_clinicians(path):
    assert reaches_clinicians(path.read_text(encoding="utf-8")) == []

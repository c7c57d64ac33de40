"""Every string has its Japanese text, none is fuzzy, and the committed .mo matches the .po
(a fresh machine may lack gettext, so the compiled catalogue is committed, not built)."""

import gettext
import re
from pathlib import Path

from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale" / "ja" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def _unquote(chunk: str) -> str:
    joined = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', chunk))
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), joined)


def po_entries() -> list[tuple[str | None, str, str]]:
    entries = []
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        found = dict(re.findall(r'^(msgctxt|msgid|msgstr(?:\[0\])?) ((?:".*"\n?)+)', block, re.M))
        if "msgid" not in found:
            continue
        msgid = _unquote(found["msgid"])
        if not msgid:
            continue
        context = found.get("msgctxt")
        translation = found.get("msgstr") or found.get("msgstr[0]") or ""
        entries.append(
            (
                None if context is None else _unquote(context),
                msgid,
                _unquote(translation),
            )
        )
    return entries


def test_every_string_has_japanese_text():
    entries = po_entries()
    assert len(entries) > 100
    assert [msgid for _context, msgid, text in entries if not text] == []


def test_no_translation_is_fuzzy():
    # gettext leaves a fuzzy entry out of the .mo: the page would show English.
    blocks = PO.read_text(encoding="utf-8").split("\n\n")
    fuzzy = [block for block in blocks if re.search(r"^#,.*\bfuzzy\b", block, re.M)]
    assert fuzzy == []


def test_the_committed_catalogue_matches_the_po_file():
    with MO.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    for context, msgid, text in po_entries():
        got = catalogue.pgettext(context, msgid) if context else catalogue.gettext(msgid)
        if got == msgid and "%(" in msgid:
            got = catalogue.ngettext(msgid, msgid, 1)
        assert got == text or text.startswith(got), msgid

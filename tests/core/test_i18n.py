from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parents[2] / "locale"


def test_every_string_is_translated_and_compiled():
    po_files = sorted(LOCALE.glob("*/LC_MESSAGES/django.po"))
    assert po_files
    for po_path in po_files:
        po = polib.pofile(str(po_path))
        untranslated = [e.msgid for e in po.untranslated_entries()]
        fuzzy = [e.msgid for e in po.fuzzy_entries()]
        assert not untranslated, f"{po_path}: untranslated {untranslated}"
        assert not fuzzy, f"{po_path}: fuzzy {fuzzy}"
        mo = polib.mofile(str(po_path.with_suffix(".mo")))
        compiled = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in mo}
        for entry in po.translated_entries():
            got = compiled.get((entry.msgctxt, entry.msgid))
            assert got is not None, f"{entry.msgid!r} missing from the .mo: run `make messages`"
            assert got[0] == entry.msgstr, f"{entry.msgid!r} is stale in the .mo"

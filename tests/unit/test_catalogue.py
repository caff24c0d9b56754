"""The Welsh catalogue: every word a family meets is translated, and translated whole."""

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from service.languages import DOMAIN, Language, translations
from service.package_files import translations_folder

ROOT = Path(__file__).resolve().parents[2]
WELSH_PO = translations_folder() / "cy" / "LC_MESSAGES" / f"{DOMAIN}.po"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "words": None}
_PLACEHOLDER = re.compile(r"%\([a-z_]+\)s")
_TAG = re.compile(r"</?[a-z]+(?: [^>]*)?>")


def _welsh() -> list[tuple[str, str, bool]]:
    with WELSH_PO.open("rb") as po:
        catalogue = read_po(po)
    return [(str(m.id), str(m.string), m.fuzzy) for m in catalogue if m.id]


def _extracted() -> set[str]:
    with (ROOT / "babel.cfg").open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    return {
        message
        for _, _, message, _, _ in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS
        )
        if isinstance(message, str)
    }


def test_every_word_a_family_meets_is_in_the_welsh_catalogue() -> None:
    missing = sorted(_extracted() - {message for message, _, _ in _welsh()})
    assert missing == [], "run `make translations-extract` and translate these"


def test_every_entry_is_translated_and_none_is_fuzzy() -> None:
    assert [message for message, welsh, fuzzy in _welsh() if not welsh or fuzzy] == []


def test_every_translation_keeps_the_placeholders_and_the_markup_of_the_english() -> None:
    for message, welsh, _ in _welsh():
        assert sorted(_PLACEHOLDER.findall(welsh)) == sorted(_PLACEHOLDER.findall(message)), message
        assert _TAG.findall(welsh) == _TAG.findall(message), message


def test_the_compiled_catalogue_says_what_the_po_file_says() -> None:
    compiled = translations(Language.WELSH)
    stale = [message for message, welsh, _ in _welsh() if compiled.gettext(message) != welsh]
    assert stale == [], "run `make translations` to compile the catalogue again"

"""Static files are named after their content, so a changed file is a new address."""

from pathlib import Path

import pytest

from service.web.http.static_files import StaticNames, fingerprinted_name, shipped_static_names


def test_a_changed_file_gets_a_different_name(tmp_path: Path) -> None:
    stylesheet = tmp_path / "family.css"
    stylesheet.write_text("body { color: #0b0c0c; }")
    before = StaticNames.of_folder(tmp_path).url("family.css")
    stylesheet.write_text("body { color: #000; }")
    after = StaticNames.of_folder(tmp_path).url("family.css")

    assert before != after
    assert before.startswith("/static/family.") and before.endswith(".css")


def test_the_same_content_keeps_its_name() -> None:
    assert fingerprinted_name("a.css", b"x") == fingerprinted_name("a.css", b"x")
    assert fingerprinted_name("govuk-frontend.min.js", b"x").startswith("govuk-frontend.min.")


def test_a_fingerprinted_name_leads_back_to_its_file(tmp_path: Path) -> None:
    (tmp_path / "application.js").write_text("export {};")
    names = StaticNames.of_folder(tmp_path)
    hashed = names.fingerprinted["application.js"]
    assert names.original[hashed] == "application.js"


def test_a_name_the_package_does_not_ship_is_a_mistake_not_a_broken_link() -> None:
    with pytest.raises(LookupError):
        shipped_static_names().url("missing.css")


def test_every_stylesheet_and_script_the_pages_load_is_shipped() -> None:
    for name in ("family.css", "application.css", "application.js", "govuk-frontend.min.js"):
        assert shipped_static_names().url(name).startswith("/static/")


def test_the_staff_script_imports_gov_uk_frontend_by_its_fingerprinted_name() -> None:
    names = shipped_static_names()
    script = (names.folder / "application.js").read_text(encoding="utf-8")
    assert f'from "./{names.fingerprinted["govuk-frontend.min.js"]}"' in script

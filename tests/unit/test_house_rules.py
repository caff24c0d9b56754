"""The house rules a newcomer can rely on, checked rather than hoped for."""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted(
    [*ROOT.joinpath("service").rglob("*.py"), *ROOT.joinpath("notifications").rglob("*.py")]
)
MAX_LINES = 300


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: str(path.relative_to(ROOT)))
def test_no_source_file_is_longer_than_a_newcomer_can_hold(path: Path) -> None:
    assert len(path.read_text(encoding="utf-8").splitlines()) <= MAX_LINES


def test_the_service_silences_no_type_check() -> None:
    marker = "type: " + "ignore"
    offenders = [str(p.relative_to(ROOT)) for p in SOURCES if marker in p.read_text("utf-8")]
    assert offenders == []


def test_the_domain_imports_only_the_standard_library_and_holidays() -> None:
    allowed_outside = ("service.domain", "holidays")
    for path in ROOT.joinpath("service", "domain").rglob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            words = line.split()
            if words[:1] in (["import"], ["from"]) and len(words) > 1:
                module = words[1]
                if module.startswith(("service", "holidays")):
                    assert module.startswith(allowed_outside), f"{path.name}: {line}"
                else:
                    top = module.split(".")[0]
                    assert top in sys.stdlib_module_names, f"{path.name}: {line}"

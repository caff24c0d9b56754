"""The page layout carries no GOV.UK branding, and times read in UK local time."""

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from service.package_files import static_folder
from service.web.http.static_files import static_url
from service.web.http.templating import london_date, london_datetime, make_templates

CROWN_PATH_START = "M33.1,9.8c.2-.1.3-.3.5-.5l4.6,2.4"

PAGE = """{% extends "pages/layout.html" %}
{% block content %}<h1 class="govuk-heading-l">{{ page_title }}</h1>
<p class="govuk-body">Starts {{ starts_at | london_datetime }}</p>{% endblock %}
"""


def render_page(**context: Any) -> str:
    """Render a small page that extends the real layout."""
    values: dict[str, Any] = {
        "page_title": "Conferences",
        "starts_at": datetime(2026, 12, 8, 10, 0, tzinfo=UTC),
        **context,
    }
    return make_templates().env.from_string(PAGE).render(values)


def staff_page(**overrides: Any) -> str:
    """A page as a signed-in QA officer sees it."""
    values: dict[str, Any] = {
        "signed_in_user": {"name": "Sam Officer", "role": "qa"},
        "csrf_token": "token-123",
        "nav_items": [
            {"href": "/qa", "text": "Requests", "active": True},
            {"href": "/qa/conferences", "text": "Conferences", "active": False},
        ],
        **overrides,
    }
    return render_page(**values)


def test_the_layout_shows_no_gov_uk_branding() -> None:
    for html in (render_page(), staff_page()):
        assert "GOV.UK" not in html
        assert "govuk-header__logotype" not in html
        assert "govuk-logo" not in html
        assert CROWN_PATH_START not in html
        assert "govuk-footer__crown" not in html
        assert "Crown copyright" not in html
        assert "Open Government Licence" not in html
        assert "/images/favicon" not in html


def test_the_layout_names_the_service_and_who_runs_it() -> None:
    html = render_page()

    assert '<html lang="en"' in html
    assert "<title>Conferences – Observer requests</title>" in html
    assert 'class="govuk-generic-header__homepage-link"' in html
    assert "Observer requests" in html
    assert "Run by the Safeguarding Quality Assurance Service" in html
    assert f'<link rel="stylesheet" href="{static_url("application.css")}">' in html
    assert f'<script type="module" src="{static_url("application.js")}"></script>' in html


def test_family_pages_get_their_own_stylesheet_and_no_script() -> None:
    html = render_page(family_page=True, exit_page_url="https://www.example.org/")

    assert f'<link rel="stylesheet" href="{static_url("family.css")}">' in html
    assert "application.css" not in html
    assert "<script" not in html
    assert "govuk-exit-this-page" in html


def test_the_service_name_link_and_footer_can_be_changed() -> None:
    html = render_page(
        service_name="Conference observers",
        service_url="/start",
        footer_text="Run by Anytown Council",
    )

    assert "Conference observers" in html
    assert '<a href="/start" class="govuk-generic-header__homepage-link">' in html
    assert "Run by Anytown Council" in html
    assert "Observer requests" not in html


def test_families_see_no_staff_navigation_or_sign_out() -> None:
    html = render_page()

    assert "govuk-service-navigation" not in html
    assert "Sign out" not in html


def test_signed_in_staff_see_their_menu_and_a_sign_out_form() -> None:
    html = staff_page()

    assert 'href="/qa" aria-current="true"' in html
    assert 'href="/qa/conferences"' in html
    assert (
        '<form class="app-service-navigation__sign-out" method="post" action="/sign-out">' in html
    )
    assert '<input type="hidden" name="csrf_token" value="token-123">' in html
    assert ">Sign out</button>" in html


def test_errors_show_a_summary_and_prefix_the_title() -> None:
    html = render_page(errors=[{"text": "Enter your email address", "href": "#email"}])

    assert "<title>Error: Conferences – Observer requests</title>" in html
    assert 'class="govuk-error-summary"' in html
    assert "There is a problem" in html
    assert '<a href="#email">Enter your email address</a>' in html
    assert html.index("govuk-error-summary") < html.index('<h1 class="govuk-heading-l">')


def test_no_errors_means_no_summary_and_a_plain_title() -> None:
    html = render_page(errors=[])

    assert "Error:" not in html
    assert "govuk-error-summary" not in html


def test_text_from_users_is_escaped() -> None:
    html = render_page(page_title="<script>alert(1)</script>")

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_filters_are_available_to_pages() -> None:
    html = render_page(starts_at=datetime(2026, 12, 8, 10, 0, tzinfo=UTC))

    assert "Starts Tuesday 8 December 2026 at 10:00am" in html


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        # British Summer Time: 09:00 UTC is 10:00 in London.
        (datetime(2026, 7, 14, 9, 0, tzinfo=UTC), "Tuesday 14 July 2026 at 10:00am"),
        # Greenwich Mean Time: 10:00 UTC is 10:00 in London.
        (datetime(2026, 12, 8, 10, 0, tzinfo=UTC), "Tuesday 8 December 2026 at 10:00am"),
        # Clocks go forward at 01:00 UTC on Sunday 29 March 2026.
        (datetime(2026, 3, 29, 0, 30, tzinfo=UTC), "Sunday 29 March 2026 at 12:30am"),
        (datetime(2026, 3, 29, 1, 30, tzinfo=UTC), "Sunday 29 March 2026 at 2:30am"),
        (datetime(2026, 3, 29, 9, 0, tzinfo=UTC), "Sunday 29 March 2026 at 10:00am"),
        # Clocks go back at 01:00 UTC on Sunday 25 October 2026: 1:30am happens twice.
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "Sunday 25 October 2026 at 1:30am"),
        (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), "Sunday 25 October 2026 at 1:30am"),
        (datetime(2026, 10, 25, 10, 0, tzinfo=UTC), "Sunday 25 October 2026 at 10:00am"),
        # Afternoon, midday and midnight in GOV.UK style.
        (datetime(2026, 12, 8, 14, 5, tzinfo=UTC), "Tuesday 8 December 2026 at 2:05pm"),
        (datetime(2026, 12, 8, 12, 0, tzinfo=UTC), "Tuesday 8 December 2026 at midday"),
        (datetime(2026, 12, 8, 0, 0, tzinfo=UTC), "Tuesday 8 December 2026 at midnight"),
    ],
)
def test_london_datetime_reads_in_uk_local_time(instant: datetime, expected: str) -> None:
    assert london_datetime(instant) == expected


def test_london_datetime_accepts_any_timezone() -> None:
    new_york = timezone(timedelta(hours=-5))

    assert london_datetime(datetime(2026, 12, 8, 5, 0, tzinfo=new_york)) == (
        "Tuesday 8 December 2026 at 10:00am"
    )


def test_a_naive_datetime_is_refused_rather_than_guessed() -> None:
    with pytest.raises(ValueError, match="must carry a timezone"):
        london_datetime(datetime(2026, 12, 8, 10, 0))


def test_london_date_takes_the_day_in_london() -> None:
    # 23:30 UTC on 30 June is already 1 July in London.
    assert london_date(datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == "Wednesday 1 July 2026"
    assert london_date(datetime(2026, 12, 8, 10, 0, tzinfo=UTC)) == "Tuesday 8 December 2026"
    assert london_date(date(2026, 12, 8)) == "Tuesday 8 December 2026"


@pytest.mark.parametrize(
    ("name", "own_style"), [("application.css", ".app-timeline"), ("family.css", ".app-easy-read")]
)
def test_the_compiled_stylesheets_are_there_and_use_no_gds_transport(
    name: str, own_style: str
) -> None:
    stylesheet = static_folder() / name

    assert stylesheet.is_file()
    css = stylesheet.read_text(encoding="utf-8")
    assert css.strip()
    assert "GDS Transport" not in css
    assert "govuk-crest" not in css
    assert own_style in css


def test_the_scripts_the_layout_loads_are_there() -> None:
    assert (static_folder() / "application.js").is_file()
    assert (static_folder() / "govuk-frontend.min.js").is_file()


def test_the_branding_checks_would_catch_the_gov_uk_template() -> None:
    html = make_templates().env.get_template("govuk_frontend_jinja/template.html").render()

    assert "GOV.UK" in html
    assert CROWN_PATH_START in html
    assert "Crown copyright" in html

"""The consent page's hand-written question matches what GOV.UK Frontend's macros would build."""

import re

import pytest

from service.web.http.templating import make_templates

MACROS = """
{%- from "govuk_frontend_jinja/components/radios/macro.html" import govukRadios -%}
{%- from "govuk_frontend_jinja/components/textarea/macro.html" import govukTextarea -%}
{%- from "govuk_frontend_jinja/components/button/macro.html" import govukButton -%}
{{ govukRadios({
  "idPrefix": "decision",
  "name": "decision",
  "fieldset": {"legend": {"text": question, "isPageHeading": false,
                          "classes": "govuk-fieldset__legend--m"}},
  "errorMessage": {"text": "Choose yes or no"} if errors else None,
  "items": [
    {"value": "yes", "text": "Yes, they can observe"},
    {"value": "no", "text": "No, they cannot observe"}
  ]
}) }}
{{ govukTextarea({
  "name": "comment", "id": "comment", "rows": 3, "value": comment,
  "label": {"text": "Anything you want to tell us (optional)", "classes": "govuk-label--s"},
  "hint": {"text": "You do not need to give a reason."}
}) }}
{{ govukButton({"text": "Send my answer"}) }}
"""


def _tags(html: str) -> list[str]:
    """The markup as a list of tags and texts, whatever the whitespace between them."""
    return [part for part in re.split(r"\s*(<[^>]+>)\s*", html) if part.strip()]


@pytest.mark.parametrize("errors", [False, True], ids=["first-visit", "nothing-chosen"])
@pytest.mark.parametrize("comment", ["", "We'd rather <not> & say why"])
def test_the_written_out_fields_match_the_macros(errors: bool, comment: str) -> None:
    env = make_templates().env
    values = {"question": "Can Taylor Trainee watch the meeting?", "errors": errors}
    values["comment"] = comment
    by_hand = env.get_template("pages/family/answer_fields.html").render(values)
    by_macro = env.from_string(MACROS).render(values)
    assert _tags(by_hand) == _tags(by_macro)

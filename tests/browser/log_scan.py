"""The service's log after every browser journey: JSON lines that give nothing of a family away.

Every line must be one JSON object carrying a request id (or "-" outside a request), and no
line may hold a token from any link the service sent (emails and text messages), a family
member's name, their email address or their mobile number.
"""

import json
import re
from pathlib import Path

from tests.browser.live_service import LiveService
from tests.support.notify_stand_in import NotifyStandIn

# Every family the browser journeys record (tests/browser/live_service.py seed_conference).
FAMILY_NAMES = ("Alexandra Zebedee", "Jonathan Quixley", "Samira Wolstenholme",
                "Zebedee", "Quixley", "Wolstenholme")  # fmt: skip
FAMILY_EMAIL_DOMAIN = "@family.example"
_TOKEN_IN_LINK = re.compile(r"/(?:consent|a|register/confirm)/([A-Za-z0-9._~-]{6,})")


def secrets_sent(service: LiveService, notify: NotifyStandIn) -> set[str]:
    """Every token in a link the service sent by email or text, and every mobile number."""
    found: set[str] = set()
    for mail in service.mail.all():
        found.update(_TOKEN_IN_LINK.findall(mail.everything()))
    for sent in notify.received:
        if sent.kind == "sms":
            found.update(_TOKEN_IN_LINK.findall(sent.text))
            found.add(str(sent.body["phone_number"]))
    return found


def problems_in_log(log: Path, secrets: set[str]) -> list[str]:
    """Each line that is not a JSON object with a request id, or that gives something away."""
    problems = []
    forbidden = [*FAMILY_NAMES, FAMILY_EMAIL_DOMAIN, *secrets]
    for number, line in enumerate(log.read_text(encoding="utf-8").splitlines(), start=1):
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            problems.append(f"line {number} is not JSON: {line[:120]}")
            continue
        if not isinstance(entry, dict) or "request_id" not in entry:
            problems.append(f"line {number} has no request id")
        leaked = [item for item in forbidden if item in line]
        if leaked:
            # Say which kind of thing leaked, never the thing itself.
            problems.append(f"line {number} holds {len(leaked)} family detail(s) or token(s)")
    return problems

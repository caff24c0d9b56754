"""The timeline's words for steps about one family member: asked, answered, no longer asked."""

from service.domain.audit_actions import AuditAction
from service.domain.consent import Wording
from service.record.timeline_emails import Mark
from service.record.timeline_step import EntryWords, Step, title_case
from service.store.ids import saved_id

_WORDING: dict[str, str] = {
    Wording.ADULT: "the words for adults",
    Wording.YOUNG_PERSON: "the words for young people",
    Wording.EASY_READ: "the Easy Read words",
}
_ANSWER = {"yes": "yes", "no": "no"}
_FINGERPRINT_SHOWN = 12


def invitation_words(step: Step) -> EntryWords:
    sentence, mark = step.email_line()
    wording = _WORDING.get(str(step.details.get("wording")), "")
    if step.entry.action == AuditAction.LINK_REISSUED:
        title = f"A new link was emailed to {step.who()}"
        lines: tuple[str, ...] = ("Every earlier link stopped working.", sentence)
    elif step.entry.action == AuditAction.REMINDER_SENT:
        title, lines = f"A reminder was emailed to {step.who()}", (sentence,)
    elif step.entry.action == AuditAction.FAMILY_TOLD_OF_MOVE:
        title = f"{step.who()} {'were' if step.about_reader else 'was'} told the new date and time"
        lines = ("The same link still works, and any answer given stands.", sentence)
    else:
        title = f"{step.who()} {'were' if step.about_reader else 'was'} asked by email"
        lines = (f"The invitation used {wording}." if wording else "", sentence)
    return EntryWords(title_case(title), tuple(line for line in lines if line), mark)


def in_person_words(step: Step) -> EntryWords:
    wording = _WORDING.get(str(step.details.get("wording")), "")
    they = "you are" if step.about_reader else "they are"
    support = step.details.get("support")
    lines: tuple[str, ...] = (
        (f"In person, {support}, as {they} recorded as needing.",)
        if support
        else (f"No email: {they} not to be contacted by email.",)
    )
    if wording:
        lines += (f"The information is read out in {wording}.",)
    return EntryWords(title_case(f"{step.who()} to be asked in person"), lines)


def not_asked_words(step: Step) -> EntryWords:
    reason = step.details.get("reason") or "no reason was recorded"
    verb = "were" if step.about_reader else "was"
    return EntryWords(title_case(f"{step.who()} {verb} not asked"), (f"Why: {reason}.",))


def answer_words(step: Step) -> EntryWords:
    answer = step.matches.answers.get(saved_id(step.entry))
    said = _ANSWER.get(str(step.details.get("answer")), str(step.details.get("answer")))
    mine = step.about_reader
    if step.entry.action == AuditAction.ANSWER_CHANGED:
        title = f"{step.who()} changed {'your' if mine else 'their'} answer to {said}"
    else:
        title = f"{step.who()} said {said}"
    their, they = ("your", "You") if mine else ("their", "They")
    channel = str(step.details.get("channel"))
    recorder = step.record.staff_name(answer.recorded_by_id if answer else None) or "the QA Service"
    # The support they had, as recorded with the answer ("with their advocate").
    support = f" {step.details['support']}," if step.details.get("support") else ""
    how = {
        "link": f"Through {their} own email link.",
        "in_person": f"In person,{support} recorded by {recorder}.",
        "phone": f"By phone,{support} recorded by {recorder}.",
    }.get(channel, f"Channel: {channel}.")
    fingerprint = str(step.details.get("text_sha256", ""))[:_FINGERPRINT_SHOWN]
    lines = [
        how,
        f"{they} were shown version {step.details.get('text_version')} of the information "
        f"(its SHA-256 fingerprint begins {fingerprint}).",
    ]
    if answer is not None and answer.comment:
        lines.append(f"{title_case(their)} comment: “{answer.comment}”")
    return EntryWords(title_case(title), tuple(lines))


def ended_words(step: Step) -> EntryWords:
    verb = "were" if step.about_reader else "was"
    if step.details.get("reason") == "removed":
        why = "Removed from the family list by the QA Service, as added by mistake."
    else:
        why = "The QA Service corrected their details: they no longer need to be asked."
    kept = step.details.get("answer_kept")
    lines: tuple[str, ...] = (why, "Their link stopped working.")
    if kept:
        lines += (f"What they had answered ({kept}) stays in the record but no longer counts.",)
    return EntryWords(title_case(f"{step.who()} {verb} no longer asked"), lines, Mark.STOPPED)

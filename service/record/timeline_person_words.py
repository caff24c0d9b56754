"""The timeline's words for steps about one family member: asked, answered, no longer asked.

QA reads them about each person by name; a family member reads only their own, about "you",
in their own language. The two are written as separate sentences rather than one with the
person slotted in, since Welsh (like most languages) changes the verb with the person.
"""

from service.domain.audit_actions import AuditAction
from service.domain.consent import Wording
from service.languages import N_
from service.record.timeline_emails import Mark
from service.record.timeline_step import EntryWords, Step, title_case
from service.record.words import NO_REASON_RECORDED
from service.store.ids import saved_id

_WORDING: dict[str, str] = {
    Wording.ADULT: N_("the words for adults"),
    Wording.YOUNG_PERSON: N_("the words for young people"),
    Wording.EASY_READ: N_("the Easy Read words"),
}
_FINGERPRINT_SHOWN = 12


def _wording(step: Step) -> str:
    wording = _WORDING.get(str(step.details.get("wording")), "")
    return step.say(wording) if wording else ""


# Each way a link went, for the person it went to (in their language) and for QA ("{who}"
# names the person), by what was sent and how.
_TITLES: dict[tuple[str, str], tuple[str, str]] = {
    (AuditAction.LINK_REISSUED, "email"): (
        N_("A new link was emailed to you"),
        "A new link was emailed to {who}",
    ),
    (AuditAction.LINK_REISSUED, "sms"): (
        N_("A new link was texted to you"),
        "A new link was texted to {who}",
    ),
    (AuditAction.LINK_REISSUED, "letter"): (
        N_("A new letter was posted to you"),
        "A new letter was posted to {who}",
    ),
    (AuditAction.REMINDER_SENT, "email"): (
        N_("A reminder was emailed to you"),
        "A reminder was emailed to {who}",
    ),
    (AuditAction.REMINDER_SENT, "sms"): (
        N_("A reminder was texted to you"),
        "A reminder was texted to {who}",
    ),
    (AuditAction.INVITATION_SENT, "email"): (
        N_("You were asked by email"),
        "{who} was asked by email",
    ),
    (AuditAction.INVITATION_SENT, "sms"): (
        N_("You were asked by text message"),
        "{who} was asked by text message",
    ),
    (AuditAction.INVITATION_SENT, "letter"): (
        N_("You were asked by letter"),
        "{who} was asked by letter",
    ),
}
_TOLD_OF_MOVE = (N_("You were told the new date and time"), "{who} was told the new date and time")


def _invitation_title(step: Step) -> str:
    sent = step.matches.emails.get(saved_id(step.entry))
    action = step.entry.action
    if action == AuditAction.FAMILY_TOLD_OF_MOVE:
        mine, theirs = _TOLD_OF_MOVE
    else:
        channel = sent.channel if sent else "email"
        mine, theirs = _TITLES.get((action, channel)) or _TITLES[(action, "email")]
    return step.say(mine) if step.about_reader else theirs.format(who=step.who())


def invitation_words(step: Step) -> EntryWords:
    say = step.say
    sentence, mark = step.email_line()
    wording = _wording(step)
    if step.entry.action == AuditAction.LINK_REISSUED:
        lines: tuple[str, ...] = (say("Every earlier link stopped working."), sentence)
    elif step.entry.action == AuditAction.REMINDER_SENT:
        lines = (sentence,)
    elif step.entry.action == AuditAction.FAMILY_TOLD_OF_MOVE:
        lines = (say("The same link still works, and any answer given stands."), sentence)
    else:
        lines = (
            say("The invitation used %(wording)s.", wording=wording) if wording else "",
            sentence,
        )
    return EntryWords(
        title_case(_invitation_title(step)), tuple(line for line in lines if line), mark
    )


def _why_in_person(step: Step) -> str:
    """Why someone with no support recorded is asked in person: by the way QA chose to reach
    them (as it is now), when texts or letters were not sent from here."""
    channel = step.member.contact_channel if step.member else "in_person"
    if step.about_reader:
        if channel in ("sms", "letter"):
            return step.say("You are asked in person.")
        return step.say("No email: you are not to be contacted by email.")
    if channel == "sms":
        return "No text message: texts are not sent from here, or no mobile number was given."
    if channel == "letter":
        return "No letter posted: letters are not posted from here, or no address was given."
    return "No email: they are not to be contacted by email."


def in_person_words(step: Step) -> EntryWords:
    say, mine = step.say, step.about_reader
    wording = _wording(step)
    support = step.details.get("support")
    if support:
        line = (
            say("In person, %(support)s, as you are recorded as needing.", support=support)
            if mine
            else f"In person, {support}, as they are recorded as needing."
        )
    else:
        line = _why_in_person(step)
    lines: tuple[str, ...] = (line,)
    if wording:
        lines += (say("The information is read out in %(wording)s.", wording=wording),)
    # A whole sentence for each reader: "you are", "they are" (the person named, for QA).
    title = (
        say("You are to be asked in person") if mine else f"{step.who()} is to be asked in person"
    )
    return EntryWords(title_case(title), lines)


def not_asked_words(step: Step) -> EntryWords:
    say = step.say
    reason = str(step.details.get("reason") or NO_REASON_RECORDED)
    if step.about_reader:
        # The reasons are the rules of who is asked, in English in the domain; each is in the
        # catalogue (service/record/words.py lists them) for a copy in another language.
        return EntryWords(say("You were not asked"), (say("Why: %(reason)s.", reason=say(reason)),))
    return EntryWords(title_case(f"{step.who()} was not asked"), (f"Why: {reason}.",))


def _answer_title(step: Step, said: str) -> str:
    say = step.say
    changed = step.entry.action == AuditAction.ANSWER_CHANGED
    if step.about_reader:
        if changed:
            return (
                say("You changed your answer to yes")
                if said == "yes"
                else say("You changed your answer to no")
            )
        return say("You said yes") if said == "yes" else say("You said no")
    if changed:
        return f"{step.who()} changed their answer to {said}"
    return f"{step.who()} said {said}"


def answer_words(step: Step) -> EntryWords:
    say, mine = step.say, step.about_reader
    answer = step.matches.answers.get(saved_id(step.entry))
    said = str(step.details.get("answer"))
    channel = str(step.details.get("channel"))
    recorder = step.record.staff_name(answer.recorded_by_id if answer else None) or say(
        "the QA Service"
    )
    # The support they had, as recorded with the answer ("with their advocate").
    support = str(step.details.get("support") or "")
    if channel == "link":
        how = say("Through your own email link.") if mine else "Through their own email link."
    elif channel in ("in_person", "phone") and support:
        how = (
            say(
                "In person, %(support)s, recorded by %(recorder)s.",
                support=support,
                recorder=recorder,
            )
            if channel == "in_person"
            else say(
                "By phone, %(support)s, recorded by %(recorder)s.",
                support=support,
                recorder=recorder,
            )
        )
    elif channel in ("in_person", "phone"):
        how = (
            say("In person, recorded by %(recorder)s.", recorder=recorder)
            if channel == "in_person"
            else say("By phone, recorded by %(recorder)s.", recorder=recorder)
        )
    else:
        how = f"Channel: {channel}."
    shown = {
        "version": step.details.get("text_version"),
        "fingerprint": str(step.details.get("text_sha256", ""))[:_FINGERPRINT_SHOWN],
    }
    lines = [
        how,
        say(
            "You were shown version %(version)s of the information (its SHA-256 fingerprint "
            "begins %(fingerprint)s).",
            **shown,
        )
        if mine
        else "They were shown version {version} of the information (its SHA-256 fingerprint "
        "begins {fingerprint}).".format(**shown),
    ]
    if answer is not None and answer.comment:
        lines.append(
            say("Your comment: “%(comment)s”", comment=answer.comment)
            if mine
            else f"Their comment: “{answer.comment}”"
        )
    return EntryWords(title_case(_answer_title(step, said)), tuple(lines))


def ended_words(step: Step) -> EntryWords:
    say, mine = step.say, step.about_reader
    if step.details.get("reason") == "removed":
        why = say("Removed from the family list by the QA Service, as added by mistake.")
    elif mine:
        why = say("The QA Service corrected your details: you no longer need to be asked.")
    else:
        why = "The QA Service corrected their details: they no longer need to be asked."
    kept = step.details.get("answer_kept")
    kept_word = {"yes": say("yes"), "no": say("no")}.get(str(kept), str(kept))
    lines: tuple[str, ...] = (
        say("Your link stopped working.") if mine else "Their link stopped working.",
    )
    if kept:
        lines += (
            say(
                "What you had answered (%(answer)s) stays in the record but no longer counts.",
                answer=kept_word,
            )
            if mine
            else f"What they had answered ({kept}) stays in the record but no longer counts.",
        )
    title = say("You were no longer asked") if mine else f"{step.who()} was no longer asked"
    return EntryWords(title_case(title), (why, *lines), Mark.STOPPED)

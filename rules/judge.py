"""The decision of contract §1 and the problems of §3, for one parsed message."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from intake.config import CampaignConfig
from parsers.attachment import ARCHIVE, OTHER, PHOTO, WORD, Attachment
from parsers.message import ParsedMessage
from parsers.photo import photo_problem
from parsers.subject import SubjectCheck, check_subject
from parsers.word import CaseDocument, WordDoc
from rules.automatic import automatic_reason
from rules.fields import field_problems
from rules.problems import Problem, has_errors, problem

ACCEPTED, REJECTED, REVIEW, IGNORED = "accepted", "rejected", "review", "ignored"

ARCHIVE_ADVICE = "请将文件打包为 .zip 格式，或直接作为附件分别发送。"
# What each note of parsers/archive.py and parsers/kinds.py means to the sender.
NOTE_ADVICE = {
    "rar": "暂不支持 rar 压缩包。" + ARCHIVE_ADVICE,
    "7z": "暂不支持 7z 压缩包。" + ARCHIVE_ADVICE,
    "archive_corrupt": "压缩包已损坏，无法解开。请重新压缩为 .zip，或直接作为附件分别发送。",
    "archive_limits": "压缩包过大或文件过多，未能全部解开。请直接作为附件分别发送。",
    "nested_archive": "压缩包里又套了压缩包，不会再解开。请把文件直接放入压缩包。",
    "encrypted": "压缩包中的文件设有密码，无法读取。请去掉密码后重新发送。",
    "member_corrupt": "压缩包中的文件已损坏，无法读取。",
}


@dataclass
class Judgement:
    decision: str
    ignore_reason: str | None = None
    problems: list[Problem] = field(default_factory=list)
    case_name_from_subject: str | None = None
    info: dict | None = None
    info_file: str | None = None
    case_document: CaseDocument | None = None


def is_automatic(msg: ParsedMessage, campaign: CampaignConfig) -> str | None:
    """The RFC 3834 reason never to answer `msg`, or None."""
    return automatic_reason(msg, campaign.address)


def judge(msg: ParsedMessage, words: list[WordDoc], received_at: datetime | None,
          campaign: CampaignConfig) -> Judgement:
    """Judges a message whose Word files were read into `words`."""
    check = check_subject(msg.subject, campaign.subject_prefix)
    reason = is_automatic(msg, campaign)
    if reason:
        return Judgement(IGNORED, reason, case_name_from_subject=check.case_name)
    has_word = any(a.kind == WORD for a in msg.attachments)
    if not is_attempt(check, has_word, bool(msg.large_attachment_links)):
        return Judgement(IGNORED, "not_submission", case_name_from_subject=check.case_name)
    if msg.large_attachment_links and not has_word:
        return Judgement(REVIEW, None, [problem("large_attachment_link")], check.case_name)
    return _submission(msg, words, received_at, campaign, check)


def is_attempt(check: SubjectCheck, has_word: bool, has_link: bool) -> bool:
    """Contract §1: a Word file, a large-attachment link, or the prefix in a
    subject that is not a reply (a thank-you for a receipt is no submission)."""
    if has_word or has_link:
        return True
    return check.starts_with_prefix and not check.is_reply


def _submission(msg: ParsedMessage, words: list[WordDoc], received_at: datetime | None,
                campaign: CampaignConfig, check: SubjectCheck) -> Judgement:
    found = Judgement(ACCEPTED, case_name_from_subject=check.case_name)
    found.problems += subject_problems(check, campaign.subject_prefix)
    found.problems += word_problems(msg.attachments, words)
    table = next((w for w in words if w.info is not None), None)
    if table is not None:
        found.info, found.info_file = table.info, table.filename
        found.problems += field_problems(table.info, check.case_name, file=table.filename)
    elif any(w.error is None for w in words):
        found.problems.append(problem("info_table_missing"))
    found.case_document = _case_document(words)
    found.problems += attachment_problems(msg.attachments)
    found.problems += late_problems(received_at, campaign)
    if msg.large_attachment_links:
        found.problems.append(problem("large_attachment_link"))
    found.decision = REJECTED if has_errors(found.problems) else ACCEPTED
    return found


def subject_problems(check: SubjectCheck, prefix: str) -> list[Problem]:
    if check.status in ("subject_format", "case_name_missing"):
        return [problem(check.status, prefix=prefix)]
    return []


def word_problems(attachments: list[Attachment], words: list[WordDoc]) -> list[Problem]:
    if not any(a.kind == WORD for a in attachments):
        return [problem("no_word_file")]
    return [problem("word_unreadable", file=w.filename, detail=w.error)
            for w in words if w.error is not None]


def attachment_problems(attachments: list[Attachment]) -> list[Problem]:
    """Photos (JPEG, ≤ 20 MiB, decodes fully) and files we do not read."""
    found = []
    for att in attachments:
        if att.kind == PHOTO:
            code = photo_problem(att.data)
            if code:
                found.append(problem(code, file=att.filename))
        elif att.kind == OTHER:
            found.append(problem("other_attachment", file=att.filename, detail=_advice(att)))
        elif att.kind == ARCHIVE and att.notes:
            found.append(problem("other_attachment", file=att.filename, detail=_advice(att),
                                 message=f"压缩包“{att.filename}”：{_advice(att)}"))
    return found


def _advice(att: Attachment) -> str:
    """What to do about a file we keep but do not read."""
    for note in att.notes:
        if note in NOTE_ADVICE:
            return NOTE_ADVICE[note]
    if att.filename.lower().endswith((".rar", ".7z")):
        return ARCHIVE_ADVICE
    return ""


# Why a Word file inside a .zip was left unread, as word_unreadable's detail
# (the problem's own text already says what to do).
UNREAD_MEMBER = {
    "encrypted": "压缩包中的该文件设有密码",
    "member_corrupt": "该文件在压缩包中已损坏",
    "archive_limits": "压缩包过大，该文件未能解开",
    "archive_corrupt": "压缩包已损坏",
}


def note_reason(att: Attachment) -> str | None:
    """Why a Word file from a .zip could not be read at all, or None."""
    return next((UNREAD_MEMBER[n] for n in att.notes if n in UNREAD_MEMBER), None)


def late_problems(received_at: datetime | None, campaign: CampaignConfig) -> list[Problem]:
    if received_at is None or received_at <= campaign.deadline:
        return []
    shown = campaign.deadline.astimezone(campaign.tz).strftime("%Y年%m月%d日 %H:%M")
    return [problem("late", severity=campaign.late_severity, deadline=shown)]


def _case_document(words: list[WordDoc]) -> CaseDocument | None:
    """The case text: the largest body among the Word files."""
    docs = [w.case_document for w in words if w.case_document is not None]
    return max(docs, key=lambda d: d.characters) if docs else None

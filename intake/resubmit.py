"""Resubmissions: a later mail for the same case becomes its next version.

Same case means: same 案例名称 after normalisation (NFKC, no spaces, quotes
or brackets, case-folded), and the same sender address or the same
单位名称. Every submission attempt of a case (accepted, rejected, review)
shares one group id (`submission_pk`, the id of the case's first row), so `intake show`
tells its whole history. Only accepted and review mails are *versions*
(numbered 1, 2, … in order of arrival, sharing one receipt): a rejected
mail was "未能受理", so it never replaces what was accepted. Nothing is
deleted; exports and the digest take the latest version.
"""
from __future__ import annotations

import unicodedata

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Message
from rules.fields import normalise_case_name
from rules.judge import ACCEPTED, REJECTED, REVIEW

ATTEMPTS = (ACCEPTED, REJECTED, REVIEW)
VERSIONED = (ACCEPTED, REVIEW)


def case_key(row: Message) -> str | None:
    """The case's name as compared between mails, or None (no name known)."""
    name = (row.info or {}).get("case_name") or row.case_name_from_subject
    key = normalise_case_name(str(name)).casefold() if name else ""
    return key or None


def unit_key(info: dict | None) -> str | None:
    unit = (info or {}).get("unit_name")
    key = "".join(unicodedata.normalize("NFKC", str(unit)).split()).casefold() if unit else ""
    return key or None


def link(session: Session, row: Message) -> None:
    """Puts `row` into its case's history and renumbers the case's versions.
    Safe to run again on the same row (`intake reprocess`)."""
    row.case_key = case_key(row) if row.decision in ATTEMPTS else None
    old_group = row.submission_pk
    row.submission_pk, row.version, row.replaces_pk = None, None, None
    if row.case_key is not None:
        other = _other_attempt(session, row)
        row.submission_pk = other.submission_pk if other else row.id
    session.flush()
    for group in {old_group, row.submission_pk} - {None}:
        renumber(session, group)


def _other_attempt(session: Session, row: Message) -> Message | None:
    """Another attempt at the same case by the same sender or unit. Its
    arrival order does not matter: `renumber` orders the versions."""
    candidates = session.scalars(
        select(Message).where(Message.case_key == row.case_key, Message.id != row.id,
                              Message.submission_pk.is_not(None)).order_by(Message.id))
    unit = unit_key(row.info)
    for other in candidates:
        if (row.from_address and other.from_address == row.from_address) or (
                unit and unit_key(other.info) == unit):
            return other
    return None


def _order(m: Message) -> tuple:
    return (m.received_at or m.stored_at, m.id)


def renumber(session: Session, group: int) -> None:
    """Versions 1..n in order of arrival, each replacing the one before; all
    share the receipt of the first that had one."""
    members = sorted(session.scalars(select(Message).where(Message.submission_pk == group)),
                     key=_order)
    versions = [m for m in members if m.decision in VERSIONED]
    receipt = next((m.receipt for m in versions if m.receipt), None)
    for m in members:          # clear first: (receipt, version) is unique
        m.version = None
        m.replaces_pk = None
    session.flush()
    previous = None
    for number, m in enumerate(versions, start=1):
        m.version, m.receipt = number, receipt or m.receipt
        m.replaces_pk = previous.id if previous else None
        previous = m
    session.flush()


def latest_of(members: list[Message]) -> Message:
    """The message that speaks for a case: its latest version, else (never
    accepted) its latest attempt."""
    versions = [m for m in members if m.version]
    return max(versions or members, key=lambda m: (m.version or 0, _order(m)))

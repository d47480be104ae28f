"""Automatic mail is never answered (contract §1, RFC 3834)."""
from __future__ import annotations

import pytest

from builders.mail import MailBuilder, minimal_docx
from parsers.message import parse_message
from rules.automatic import automatic_reason

OWN = "lsw_mecc@163.com"


def _reason(builder: MailBuilder) -> str | None:
    # Every case carries a Word file: automatic mail is ignored whatever it carries.
    raw = builder.subject("碳排放管理案例征集+x").attach(minimal_docx(), "a.docx").build()
    return automatic_reason(parse_message(raw), OWN)


@pytest.mark.parametrize("name, value, reason", [
    ("From", "LSW_MECC@163.com", "own_address"),
    ("From", "MAILER-DAEMON@163.com", "bounce"),
    ("From", "Mail Delivery System <postmaster@qq.com>", "bounce"),
    ("Return-Path", "<>", "bounce"),
    ("Return-Path", "< >", "bounce"),
    ("Auto-Submitted", "auto-replied", "auto_reply"),
    ("Auto-Submitted", "auto-generated; owner-email=x@y.cn", "auto_reply"),
    ("X-Autoreply", "yes", "auto_reply"),
    ("X-Autorespond", "1", "auto_reply"),
    ("X-Auto-Response-Suppress", "DR, OOF", "auto_reply"),
    ("X-Auto-Response-Suppress", "All", "auto_reply"),
    ("From", "noreply@notice.example.com", "auto_reply"),
    ("From", "No-Reply <no-reply@example.com>", "auto_reply"),
    ("Precedence", "bulk", "bulk"),
    ("Precedence", "Junk", "bulk"),
    ("Precedence", "list", "bulk"),
    ("List-Id", "<news.example.com>", "bulk"),
    ("List-Unsubscribe", "<mailto:u@example.com>", "bulk"),
])
def test_each_trigger(name, value, reason):
    # GIVEN a message with one automatic marker WHEN judged THEN that reason
    assert _reason(MailBuilder().header(name, value)) == reason


@pytest.mark.parametrize("name, value", [
    ("Auto-Submitted", "no"),
    ("X-Auto-Response-Suppress", "DR, RN, NRN"),       # Outlook's normal mail
    ("Precedence", "first-class"),
    ("From", "reply@example.com"),
    ("Return-Path", "<zhang@example.com>"),
])
def test_not_automatic(name, value):
    # GIVEN ordinary headers THEN not automatic
    assert _reason(MailBuilder().header(name, value)) is None


def test_dsn_multipart_report_is_bounce():
    # GIVEN a DSN (multipart/report, RFC 3464) THEN bounce
    assert _reason(MailBuilder().text("failed").report()) == "bounce"


def test_order_own_address_before_bounce_before_auto_reply_before_bulk():
    # GIVEN every marker at once THEN the contract's order decides
    b = (MailBuilder().header("From", OWN).header("Return-Path", "<>")
         .header("Auto-Submitted", "auto-replied").header("Precedence", "bulk"))
    assert _reason(b) == "own_address"
    b.header("From", "x@example.com")
    assert _reason(b) == "bounce"
    b.header("Return-Path", None)
    assert _reason(b) == "auto_reply"
    b.header("Auto-Submitted", None)
    assert _reason(b) == "bulk"

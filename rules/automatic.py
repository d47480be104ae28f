"""Automatic mail (contract §1): never answered, whatever it carries.

RFC 3834 ("Recommendations for Automatic Responses to Electronic Mail")
§2: a responder must not answer a message that is itself automatic, a
delivery report, or list traffic, and must send its own responses with
``Auto-Submitted: auto-replied`` — so the same headers mark what we receive.
The reasons are checked in the contract's order and the first wins.
"""
from __future__ import annotations

from parsers.message import ParsedMessage

OWN_ADDRESS, BOUNCE, AUTO_REPLY, BULK = "own_address", "bounce", "auto_reply", "bulk"

# Sender local parts of mail systems (RFC 5321 §4.5.1 postmaster; RFC 3834
# §2 names MAILER-DAEMON among senders never to answer).
_BOUNCE_LOCALS = {"mailer-daemon", "postmaster"}
_NOREPLY_LOCALS = {"no-reply", "noreply"}
# Microsoft Exchange's X-Auto-Response-Suppress values that mean "this
# message is itself automatic" (MS-OXCMAIL §2.2.3.2.20).
_SUPPRESS_AUTO = {"all", "oof", "autoreply"}
_BULK_PRECEDENCE = {"bulk", "junk", "list"}


def _local_part(address: str | None) -> str:
    return (address or "").rsplit("@", 1)[0].strip().lower()


def _is_bounce(msg: ParsedMessage) -> bool:
    # RFC 3464 §2: a DSN is a multipart/report (RFC 6522) with
    # report-type=delivery-status; MDNs (RFC 8098) are reports too and are
    # equally never answered.
    if msg.is_report:
        return True
    if _local_part(msg.from_address) in _BOUNCE_LOCALS:
        return True
    # RFC 5321 §4.5.5 / RFC 3834 §2: DSNs and other automatic mail are sent
    # with the null reverse-path, which arrives as `Return-Path: <>`.
    return msg.return_path == ""


def _is_auto_reply(msg: ParsedMessage) -> bool:
    # RFC 3834 §5: any Auto-Submitted value other than "no" (auto-replied,
    # auto-generated, auto-notified) marks automatic mail.
    auto_submitted = msg.header("Auto-Submitted")
    if auto_submitted is not None:
        keyword = auto_submitted.split(";", 1)[0].strip().lower()
        if keyword and keyword != "no":
            return True
    # Non-standard but common vacation-responder headers.
    if msg.header("X-Autoreply") is not None or msg.header("X-Autorespond") is not None:
        return True
    suppress = msg.header("X-Auto-Response-Suppress")
    if suppress:
        values = {v.strip().lower() for v in suppress.split(",")}
        if values & _SUPPRESS_AUTO:
            return True
    return _local_part(msg.from_address) in _NOREPLY_LOCALS


def _is_bulk(msg: ParsedMessage) -> bool:
    # RFC 3834 §2 / RFC 2076: Precedence bulk, junk or list; RFC 2919
    # List-Id and RFC 2369 List-Unsubscribe mark mailing-list traffic.
    precedence = (msg.header("Precedence") or "").strip().lower()
    if precedence in _BULK_PRECEDENCE:
        return True
    return msg.header("List-Id") is not None or msg.header("List-Unsubscribe") is not None


def automatic_reason(msg: ParsedMessage, own_address: str) -> str | None:
    """own_address / bounce / auto_reply / bulk (contract §1 order), or None."""
    if msg.from_address and own_address and \
            msg.from_address.strip().lower() == own_address.strip().lower():
        return OWN_ADDRESS
    if _is_bounce(msg):
        return BOUNCE
    if _is_auto_reply(msg):
        return AUTO_REPLY
    if _is_bulk(msg):
        return BULK
    return None

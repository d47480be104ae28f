"""Reply bounds: a daily limit per address, no mail to an address that
bounced or was refused, never to our own address."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from builders.samples import CAMPAIGN, PREFIX, form, mail
from db.models import Reply, Suppression
from test_resubmit import Desk

pytestmark = pytest.mark.servers


def submission(n: int, sender: str = "zhangsan@example.com", **headers: str) -> bytes:
    name = f"案例{n}"
    return mail(n, f"{PREFIX}+{name}", sender, files=[form(case_name=name)],
                headers=headers or None).as_bytes()


def dsn(n: int, original_id: str, recipient: str, action: str = "failed",
        status: str = "5.1.1") -> bytes:
    """A bounce as 163's MTA sends it: RFC 3464 report with the original's headers."""
    return (f"Return-Path: <>\r\nFrom: MAILER-DAEMON@163.com\r\nTo: {CAMPAIGN}\r\n"
            f"Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <dsn-{n}@163.com>\r\n"
            "MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status;"
            " boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nundeliverable\r\n"
            "--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; 163.com\r\n\r\n"
            f"Final-Recipient: rfc822; {recipient}\r\nAction: {action}\r\nStatus: {status}\r\n\r\n"
            "--b\r\nContent-Type: text/rfc822-headers\r\n\r\n"
            f"From: {CAMPAIGN}\r\nTo: {recipient}\r\nMessage-ID: {original_id}\r\n\r\n--b--\r\n").encode()


def replies(desk: Desk) -> list[Reply]:
    with desk.app.sessions() as session:
        return list(session.scalars(select(Reply).order_by(Reply.id)))


@pytest.fixture
def desk(tmp_path, smtp_sink):
    d = Desk(tmp_path, smtp_sink, replies={"max_per_sender_per_day": 2})
    yield d
    d.app.close()


def test_at_most_n_replies_per_address_per_day(desk: Desk):
    # GIVEN a limit of 2 replies per address per day
    # WHEN one address sends three submissions
    desk.arrive(submission(1), submission(2), submission(3))
    # THEN two replies go out, the third is kept but held back
    assert len(desk.sink.received) == 2
    assert [r.state for r in replies(desk)] == ["sent", "sent", "held"]
    assert "上限" in replies(desk)[2].last_error
    # AND another address is not affected
    desk.arrive(submission(4, "other@corp.cn"))
    assert desk.sink.received[-1].rcpt_tos == ["other@corp.cn"]


def test_an_address_whose_reply_bounced_is_not_mailed_again(desk: Desk):
    # GIVEN a reply that went out
    desk.arrive(submission(1))
    (ours,) = replies(desk)
    # WHEN its bounce arrives, naming the original by Message-ID
    desk.arrive(dsn(1, ours.message_id, "zhangsan@example.com"))
    # THEN the address is marked, linked to our reply and to the bounce
    with desk.app.sessions() as session:
        (mark,) = session.scalars(select(Suppression)).all()
    assert (mark.address, mark.reason, mark.reply_pk) == ("zhangsan@example.com", "bounce", ours.id)
    # AND the next submission from it is answered by no mail
    desk.arrive(submission(2))
    assert len(desk.sink.received) == 1
    assert replies(desk)[-1].state == "held"


def test_a_forged_or_delayed_report_suppresses_nobody(desk: Desk):
    # GIVEN a "bounce" for an address we never mailed, and a delay notice for one we did
    desk.arrive(submission(1))
    desk.arrive(dsn(1, "<unknown@x>", "victim@corp.cn"),
                dsn(2, "<unknown@y>", "zhangsan@example.com", action="delayed", status="4.4.1"))
    # THEN nothing is suppressed: both addresses still get their replies
    desk.arrive(submission(2, "victim@corp.cn"), submission(3))
    assert sorted(r.rcpt_tos[0] for r in desk.sink.received[1:]) == [
        "victim@corp.cn", "zhangsan@example.com"]


def test_an_address_refused_with_5xx_is_not_mailed_again(desk: Desk):
    # GIVEN the SMTP server refuses the recipient for good
    desk.sink.fail_with, desk.sink.fail_at = "550 5.1.1 no such user", "RCPT"
    desk.arrive(submission(1))
    assert replies(desk)[0].state == "given_up"
    # WHEN the server works again and the same address writes again
    desk.sink.fail_with = None
    desk.arrive(submission(2))
    # THEN no mail goes to it
    assert desk.sink.received == []
    assert replies(desk)[-1].state == "held"


def test_never_mail_our_own_address(desk: Desk):
    # GIVEN a submission whose Reply-To is the campaign's own address
    # WHEN it is polled
    desk.arrive(submission(1, **{"Reply-To": f"征集 <{CAMPAIGN.upper()}>"}))
    # THEN it is recorded but no reply is composed or sent
    assert desk.rows()[0].decision == "accepted"
    assert replies(desk) == [] and desk.sink.received == []

"""The staff digest, received by a real aiosmtpd server."""
from __future__ import annotations

import email
import email.policy
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from builders.samples import mail, samples
from conftest import write_config
from intake import config as config_mod
from intake.app import App
from intake.digest import send_digest
from intake.pipeline import poll

pytestmark = pytest.mark.servers


def test_digest_counts_lists_and_escapes(tmp_path: Path, smtp_sink):
    # GIVEN a day's mail, one of them with markup in its subject
    box = tmp_path / "box"
    for sub in ("cur", "new", "tmp"):
        (box / sub).mkdir(parents=True)
    raws = [s.raw for s in samples()] + [mail(77, "<script>alert(1)</script>").as_bytes()]
    for i, raw in enumerate(raws):
        (box / "new" / f"{i:03d}.test").write_bytes(raw)
    path = write_config(tmp_path, mailbox={"kind": "maildir", "path": str(box)},
                        smtp={"kind": "smtp", "host": smtp_sink.host, "port": smtp_sink.port,
                              "tls": False},
                        digest={"recipients": ["staff1@example.com", "staff2@example.com"]})
    app = App.from_config(config_mod.load(path))
    poll(app)
    before = len(smtp_sink.received)
    # WHEN the digest is sent
    assert send_digest(app, datetime.now(timezone.utc) + timedelta(minutes=1)) == 2
    app.close()
    # THEN each staff member gets one, with counts first and the markup escaped
    digests = smtp_sink.received[before:]
    assert sorted(r.rcpt_tos[0] for r in digests) == ["staff1@example.com", "staff2@example.com"]
    msg = email.message_from_bytes(digests[0].data, policy=email.policy.default)
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "受理 5" in text and "退回 8" in text and "忽略 7" in text
    assert "关于碳排放管理案例征集的咨询" in text.split("需要人工处理")[1]
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_reply_html_escapes_what_the_sender_wrote(tmp_path: Path):
    # GIVEN a rejected mail whose subject carries markup
    from intake.replies import compose
    config = config_mod.from_dict({"smtp": {"kind": "outbox"}}, tmp_path)
    # WHEN its reply is composed
    msg = compose(config, "rejected", "a@example.com", "回复：<b>x</b>",
                  {"greeting": "<img src=x>", "subject": "<script>alert(1)</script>",
                   "errors": [], "warnings": []})
    html = msg.get_body(("html",)).get_content()
    # THEN the HTML part shows it as text, never as markup
    assert "<script>" not in html and "&lt;script&gt;" in html and "<img" not in html

"""The staff digest, received by a real aiosmtpd server."""
from __future__ import annotations

import email
import re
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


def test_digest_mail_holds_counts_lists_problems_and_the_workbook(tmp_path: Path, smtp_sink):
    # GIVEN a day: the twenty samples, a unit name carrying markup, a failed
    # message, and a reply the SMTP server turned away for now
    import io
    import openpyxl
    from sqlalchemy import select
    from builders.samples import PREFIX, form
    from db.models import Message
    box = tmp_path / "box"
    for sub in ("cur", "new", "tmp"):
        (box / sub).mkdir(parents=True)
    hostile = mail(78, f"{PREFIX}+标记案例", "xss@corp.cn",
                   files=[form(case_name="标记案例", unit_name="<script>alert(2)</script>公司")])
    for i, raw in enumerate([s.raw for s in samples()] + [hostile.as_bytes()]):
        (box / "new" / f"{i:03d}.test").write_bytes(raw)
    path = write_config(tmp_path, mailbox={"kind": "maildir", "path": str(box)},
                        smtp={"kind": "smtp", "host": smtp_sink.host, "port": smtp_sink.port,
                              "tls": False},
                        digest={"recipients": ["staff@example.com"]})
    app = App.from_config(config_mod.load(path))
    smtp_sink.fail_with = "451 4.3.0 try later"
    poll(app)
    smtp_sink.fail_with = None
    with app.sessions() as session:
        broken = session.scalars(select(Message).where(Message.from_address == "wu@corp.cn")).one()
        broken.state, broken.error = "failed", "WordError: parser crashed on purpose"
        session.commit()
    # WHEN the digest is sent
    send_digest(app, datetime.now(timezone.utc) + timedelta(minutes=1))
    app.close()
    (digest,) = [r for r in smtp_sink.received if r.rcpt_tos == ["staff@example.com"]]
    msg = email.message_from_bytes(digest.data, policy=email.policy.default)
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    # THEN the subject and both parts give the counts first
    assert "新收 21 封（受理 6，退回 7）" in str(msg["Subject"])
    assert "新收 21 封：受理 6，退回 7，待人工下载 1，忽略 6，处理失败 1" in text
    assert text.index("受理 6") < text.index("需要人工处理") < text.index("受理（6）")
    assert html.index(">6</div><div") < html.index("需要人工处理") < html.index("受理（6）")
    # AND the lists: receipts, senders, units, case types, files and problems
    for part in (text, html):
        assert "CASE-2022-0001" in part and "某某物流集团有限公司" in part
        assert "碳排放核算案例" in part and "园区照片1.jpg" in part and "zhou@corp.cn" in part
        assert "邮件标题格式不符合要求" in part and "截止" in part
        assert "WordError: parser crashed on purpose" in part       # needs a person
        assert "发送失败，将重试" in part and "451" in part           # a reply that failed
    # AND the totals to date by 案例类型 (the markup case is 核算 too) and 单位类型
    assert "按案例类型：碳排放核算案例 2，碳排放监测案例 1" in text and "生产企业 6" in text
    assert "碳排放核算案例 <strong>2</strong> · 碳排放监测案例 <strong>1</strong>" in html
    # AND the markup arrives escaped, never as markup
    assert "<script>" not in html and "&lt;script&gt;alert(2)&lt;/script&gt;公司" in html
    # AND the attached workbook holds every submission
    (xlsx,) = [p for p in msg.iter_attachments() if p.get_filename().endswith(".xlsx")]
    wb = openpyxl.load_workbook(io.BytesIO(xlsx.get_content()))
    sheet = wb["全部"]
    ids = {row[0].value for row in sheet.iter_rows(min_row=2)}
    headers = [c.value for c in sheet[1]]
    earlier = {int(x) for row in sheet.iter_rows(min_row=2)
               for x in str(row[headers.index("此前来信 ID")].value or "").split("、") if x}
    assert ids | earlier == set(range(1, 22)) and not ids & earlier
    units = [row[headers.index("单位名称")].value for row in sheet.iter_rows(min_row=2)]
    assert "<script>alert(2)</script>公司" in units

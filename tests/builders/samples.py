"""A realistic set of mails that reach the campaign's mailbox, each with the
decision a careful person on the staff would reach.

Used by the end-to-end tests (APPENDed to a real Dovecot) and to build the
demo Maildir (`examples/make_mailbox.py`). Well-formed mail is built with the
stdlib here; mail that real clients get wrong is built as raw bytes by
:mod:`tests.builders.mail` in the parser tests.
"""
from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

from PIL import Image

from builders.docx import SAMPLE_INFO, build_case_only_docx, build_form_docx, build_table_only_docx

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PREFIX = "碳排放管理案例征集"
CAMPAIGN = "lsw_mecc@163.com"
BEIJING = timezone(timedelta(hours=8))
IN_TIME = datetime(2022, 2, 20, 10, 31, tzinfo=BEIJING)
LATE = datetime(2022, 3, 2, 9, 0, tzinfo=BEIJING)


@dataclass
class Sample:
    name: str
    raw: bytes
    decision: str
    ignore_reason: str | None = None
    codes: tuple[str, ...] = ()          # the problem codes expected, sorted
    internaldate: datetime = IN_TIME

    @property
    def answered(self) -> bool:
        return self.decision != "ignored"


def jpeg(width: int = 320, height: int = 240, seed: int = 1) -> bytes:
    """A real JPEG with noise in it, so it has some size and decodes fully."""
    rng = random.Random(seed)
    img = Image.effect_noise((width, height), 40 + rng.random() * 20).convert("RGB")
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    return out.getvalue()


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def mail(n: int, subject: str, sender: str = "zhangsan@example.com", name: str = "张三",
         body: str = "您好，附件是我单位的案例材料，请查收。", when: datetime = IN_TIME,
         files: list[tuple[str, bytes, str]] = (), headers: dict[str, str] | None = None) -> EmailMessage:
    msg = EmailMessage(policy=SMTP)
    msg["From"] = f"{name} <{sender}>"
    msg["To"] = CAMPAIGN
    msg["Subject"] = subject
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = f"<sample-{n:03d}@example.com>"
    for key, value in (headers or {}).items():
        msg[key] = value
    msg.set_content(body)
    for filename, data, ctype in files:
        maintype, subtype = ctype.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return msg


def info(**changes) -> dict:
    return {**SAMPLE_INFO, **changes}


def form(**changes) -> tuple[str, bytes, str]:
    return ("案例材料.docx", build_form_docx(info(**changes), images=1), DOCX)


def bounce(n: int) -> bytes:
    """A delivery status notification (RFC 3464) as a mailer daemon sends it."""
    return (b"Return-Path: <>\r\nFrom: Mail Delivery Subsystem <MAILER-DAEMON@163.com>\r\n"
            b"To: " + CAMPAIGN.encode() + b"\r\nSubject: Undelivered Mail Returned to Sender\r\n"
            b"Date: Sun, 20 Feb 2022 10:40:00 +0800\r\n"
            b"Message-ID: <bounce-%03d@163.com>\r\nMIME-Version: 1.0\r\n"
            b"Content-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"\r\n\r\n"
            b"--b1\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n"
            b"--b1\r\nContent-Type: message/delivery-status\r\n\r\n"
            b"Reporting-MTA: dns; 163.com\r\n\r\nFinal-Recipient: rfc822; nobody@example.com\r\n"
            b"Action: failed\r\nStatus: 5.1.1\r\n\r\n--b1--\r\n") % n


def samples() -> list[Sample]:
    """Twenty mails: accepted, rejected, review, ignored and automatic."""
    s = [
        Sample("accepted-one-file", mail(1, f"{PREFIX}+某物流园区碳排放核算案例",
               files=[form(), ("园区照片1.jpg", jpeg(seed=1), "image/jpeg"),
                      ("园区照片2.jpg", jpeg(seed=2), "image/jpeg")]).as_bytes(), "accepted"),
        Sample("accepted-two-files", mail(2, f"{PREFIX}+冷链仓储碳排放监测案例", "li@corp.cn", "李四",
               files=[("基本信息表.docx", build_table_only_docx(info(
                   case_name="冷链仓储碳排放监测案例", case_types=["碳排放监测案例"])), DOCX),
                      ("案例正文.docx", build_case_only_docx(images=2), DOCX)]).as_bytes(),
               "accepted"),
        Sample("accepted-fullwidth", mail(3, f"【{PREFIX}】＋ 港口碳排放核查案例", "wang@port.cn", "王五",
               files=[form(case_name="港口碳排放核查案例", case_types=["碳排放核查案例"])]).as_bytes(),
               "accepted"),
        Sample("accepted-warnings", mail(4, f"{PREFIX}+航空货运碳排放管理案例", "zhao@air.cn", "赵六",
               files=[form(case_name="航空货运碳排放管理实践", phone="12345",
                           case_types=["航空碳排放管理相关案例"])]).as_bytes(),
               "accepted", codes=("case_name_mismatch", "field_invalid")),
        Sample("accepted-forwarded-reply-prefix", mail(5, f"Fwd: {PREFIX}+城市配送碳足迹咨询案例",
               "sun@consult.cn", "孙七", files=[form(case_name="城市配送碳足迹咨询案例",
                                                      case_types=["碳排放相关咨询项目案例"])]).as_bytes(),
               "accepted"),
        Sample("rejected-subject", mail(6, "案例投稿", "zhou@corp.cn", "周八",
               files=[form()]).as_bytes(), "rejected", codes=("subject_format",)),
        Sample("rejected-no-word", mail(7, f"{PREFIX}+物流车队碳排放核算", "wu@corp.cn", "吴九",
               files=[("车队.jpg", jpeg(seed=3), "image/jpeg")]).as_bytes(),
               "rejected", codes=("no_word_file",)),
        Sample("rejected-no-table", mail(8, f"{PREFIX}+仓库光伏减排案例", "zheng@corp.cn", "郑十",
               files=[("案例.docx", build_case_only_docx(), DOCX)]).as_bytes(),
               "rejected", codes=("info_table_missing",)),
        Sample("rejected-field-missing", mail(9, f"{PREFIX}+某物流园区碳排放核算案例", "chen@corp.cn", "陈一",
               files=[form(unit_name=None)]).as_bytes(), "rejected", codes=("field_missing",)),
        Sample("rejected-png-photo", mail(10, f"{PREFIX}+某物流园区碳排放核算案例", "lin@corp.cn", "林二",
               files=[form(), ("现场.jpg", png(), "image/jpeg")]).as_bytes(),
               "rejected", codes=("photo_not_jpg",)),
        Sample("rejected-name-missing", mail(11, f"{PREFIX}+", "he@corp.cn", "何三",
               files=[form()]).as_bytes(), "rejected", codes=("case_name_missing",)),
        Sample("rejected-late", mail(12, f"{PREFIX}+迟到的案例", "late@corp.cn", "迟到",
               when=LATE, files=[form(case_name="迟到的案例")]).as_bytes(), "rejected",
               codes=("late",), internaldate=LATE),
        Sample("rejected-corrupt-word", mail(13, f"{PREFIX}+损坏的文件", "bad@corp.cn", "坏文件",
               files=[("案例.docx", b"PK\x03\x04 this is not really a docx", DOCX)]).as_bytes(),
               "rejected", codes=("word_unreadable",)),
        Sample("review-large-attachment", mail(14, f"{PREFIX}+大型物流枢纽碳排放监测", "big@163.com", "大文件",
               body="您好，材料较大，通过超大附件发送：\nhttps://mail.163.com/large-attachment-download/"
                    "index.html?p=X1ABCDEF&file=abc\n请查收。").as_bytes(),
               "review", codes=("large_attachment_link",)),
        Sample("ignored-question", mail(15, f"关于{PREFIX}的咨询", "ask@corp.cn", "提问",
               body="请问截止时间可以延期吗？").as_bytes(), "ignored", "not_submission"),
        Sample("ignored-thanks", mail(16, f"Re: 回复：{PREFIX}+某物流园区碳排放核算案例", "zhangsan@example.com",
               body="收到，谢谢！").as_bytes(), "ignored", "not_submission"),
        Sample("ignored-out-of-office", mail(17, f"自动回复：{PREFIX}", "ooo@corp.cn", "休假",
               body="我正在休假。", headers={"Auto-Submitted": "auto-replied"}).as_bytes(),
               "ignored", "auto_reply"),
        Sample("ignored-bounce", bounce(18), "ignored", "bounce"),
        Sample("ignored-newsletter", mail(19, "碳市场周报 第8期", "news@carbon.cn", "周报",
               headers={"List-Id": "<weekly.carbon.cn>", "Precedence": "bulk"}).as_bytes(),
               "ignored", "bulk"),
        Sample("ignored-own-address", mail(20, f"{PREFIX}+测试", CAMPAIGN, "案例征集",
               files=[form()]).as_bytes(), "ignored", "own_address"),
    ]
    return s

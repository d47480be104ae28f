"""Golden mail: raw .eml files (built as raw bytes by builders.mail, never
tidied by the stdlib generator) and what `intake inspect --json` must say.

Each spec below builds one message and states what it *means* (decision,
ignore_reason, problem codes, attachments, subject and case name) — the
expectation is written by hand here, not copied from inspect's output.
``python tests/test_message_golden.py`` (re)writes tests/golden/mail/ from the
specs; the tests read the committed files.
"""
from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from builders.docx import SAMPLE_INFO, build_form_docx  # noqa: E402
from builders.mail import (MailBuilder, encoded_words, image_bytes, p_2047,  # noqa: E402
                           p_2231, p_2231_cont, p_raw, zip_of)

GOLDEN = Path(__file__).parent / "golden" / "mail"
PREFIX = "碳排放管理案例征集"
CN = SAMPLE_INFO["case_name"]                  # 某物流园区碳排放核算案例
SUBJECT = f"{PREFIX}+{CN}"
DOCX_NAME = "案例材料.docx"
WORD_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
IN_TIME = "Sun, 20 Feb 2022 10:32:00 +0800"
LINK_163 = ("https://mail.163.com/large-attachment-download/index.html?"
            "p=X-NETEASE-HUGE-ATTACHMENT&file=djAyM2VySzgzWFNLMmMx&title=案例材料.docx")
LINK_QQ = "https://wx.mail.qq.com/ftn/download?func=3&key=9d99e661d02acf1e&code=7f3a"
LINK_1DRV = "https://1drv.ms/w/s!AkQ2aB3cDeFghIjK"


def form(**info: Any) -> bytes:
    return build_form_docx({**SAMPLE_INFO, **info})


def mail(subject: str | bytes | None = SUBJECT, *, body: str = "您好，附件是案例材料，请查收。") -> MailBuilder:
    """A message received in time; `subject` str → RFC 2047 utf-8, bytes → raw."""
    b = MailBuilder().received(IN_TIME).text(body)
    if isinstance(subject, bytes):
        b.subject_raw(subject)
    elif subject is not None:
        b.subject(subject)
    return b


def submission(subject: str | bytes | None = SUBJECT) -> MailBuilder:
    return mail(subject).attach(form(), DOCX_NAME, content_type=WORD_TYPE)


@dataclass
class Spec:
    build: Callable[[], bytes]
    decision: str
    problems: list[str] = field(default_factory=list)
    attachments: list[tuple[str, str, str | None]] = field(
        default_factory=lambda: [(DOCX_NAME, "word", None)])
    subject: str = SUBJECT
    case_name: str | None = CN
    ignore_reason: str | None = None

    def expected(self) -> dict[str, Any]:
        return {"decision": self.decision, "ignore_reason": self.ignore_reason,
                "problems": sorted(self.problems),
                "attachments": [list(a) for a in self.attachments],
                "subject": self.subject, "case_name_from_subject": self.case_name}


def _ignored(build: Callable[[], bytes], reason: str, subject: str = SUBJECT,
             attachments: list | None = None, case_name: str | None = CN) -> Spec:
    return Spec(build, "ignored", [], [(DOCX_NAME, "word", None)] if attachments is None
                else attachments, subject, case_name, reason)


def _named(param: bytes, name: str = DOCX_NAME, **kw: Any) -> Callable[[], bytes]:
    return lambda: mail().attach(form(), filename_param=param, **kw).build()


def _half(data: bytes) -> bytes:
    return data[: len(data) // 2]


RONG = "朱镕基路物流园区碳排放核算案例"
JPG = image_bytes("JPEG", (64, 48))
SPECS: dict[str, Spec] = {
    # --- 1. subjects -------------------------------------------------------
    "subject_utf8_b": Spec(lambda: submission().build(), "accepted"),
    "subject_utf8_split_in_char": Spec(
        lambda: submission(encoded_words(SUBJECT, "utf-8", split=7)).build(), "accepted"),
    "subject_gb2312_label_gbk_char": Spec(
        lambda: mail(encoded_words(f"{PREFIX}+{RONG}", "gb2312"))
        .attach(form(case_name=RONG), DOCX_NAME).build(),
        "accepted", subject=f"{PREFIX}+{RONG}", case_name=RONG),
    "subject_xgbk_split_q": Spec(
        lambda: submission(encoded_words(SUBJECT, "x-gbk", enc="Q", split=9)).build(), "accepted"),
    "subject_raw_gbk": Spec(lambda: submission(SUBJECT.encode("gbk")).build(), "accepted"),
    "subject_raw_utf8": Spec(lambda: submission(SUBJECT.encode("utf-8")).build(), "accepted"),
    "subject_fullwidth_plus": Spec(lambda: submission(f"{PREFIX}＋{CN}").build(), "accepted",
                                   subject=f"{PREFIX}＋{CN}"),
    "subject_spaces_around_plus": Spec(lambda: submission(f"{PREFIX} + {CN} ").build(),
                                       "accepted", subject=f"{PREFIX} + {CN}"),
    "subject_brackets_around_prefix": Spec(lambda: submission(f"【{PREFIX}】+{CN}").build(),
                                           "accepted", subject=f"【{PREFIX}】+{CN}"),
    "subject_brackets_around_all": Spec(lambda: submission(f"[{SUBJECT}]").build(),
                                        "accepted", subject=f"[{SUBJECT}]"),
    "subject_reply_forward_chain": Spec(
        lambda: submission(f"Re: 回复：转发: {SUBJECT}").build(), "accepted",
        subject=f"Re: 回复：转发: {SUBJECT}"),
    "subject_case_name_missing": Spec(lambda: submission(f"{PREFIX}+").build(), "rejected",
                                      ["case_name_missing"], subject=f"{PREFIX}+", case_name=None),
    "subject_format_wrong": Spec(lambda: submission(f"案例征集-{CN}").build(), "rejected",
                                 ["subject_format"], subject=f"案例征集-{CN}", case_name=None),
    "subject_missing_with_word": Spec(lambda: submission(None).build(), "rejected",
                                      ["subject_format"], subject="", case_name=None),
    "reply_thanks_no_word": _ignored(
        lambda: mail(f"回复：{SUBJECT}", body="收到回执，谢谢！").build(), "not_submission",
        f"回复：{SUBJECT}", []),
    "inquiry_mentions_prefix": _ignored(
        lambda: mail(f"关于{PREFIX}的咨询", body="请问截止时间？").build(), "not_submission",
        f"关于{PREFIX}的咨询", [], None),
    "prefix_but_no_word": Spec(lambda: mail().build(), "rejected", ["no_word_file"], []),
    # --- 2. attachment names -------------------------------------------------
    "name_rfc2231_utf8": Spec(_named(p_2231("filename", DOCX_NAME)), "accepted"),
    "name_rfc2231_gbk_continuations": Spec(
        _named(p_2231_cont("filename", DOCX_NAME, "gbk", chunk=3)), "accepted"),
    "name_rfc2047_in_quotes_outlook": Spec(_named(p_2047("filename", DOCX_NAME, "gb2312")),
                                           "accepted"),
    "name_rfc2047_split_foxmail": Spec(_named(p_2047("filename", DOCX_NAME, "gbk", split=5)),
                                       "accepted"),
    "name_only_on_content_type": Spec(
        lambda: mail().attach(form(), name_param=p_2047("name", DOCX_NAME, "gb2312"),
                              disposition=None).build(), "accepted"),
    "name_raw_gbk": Spec(_named(p_raw("filename", DOCX_NAME, "gbk")), "accepted"),
    "name_raw_utf8": Spec(_named(p_raw("filename", DOCX_NAME, "utf-8")), "accepted"),
    "name_windows_path": Spec(_named(p_2231("filename", "D:\\材料\\" + DOCX_NAME)), "accepted"),
    # --- 3. kinds by content -------------------------------------------------
    "docx_as_octet_stream_no_extension": Spec(
        lambda: mail().attach(form(), "案例材料").build(), "accepted",
        attachments=[("案例材料", "word", None)]),
    "png_named_jpg": Spec(
        lambda: submission().attach(image_bytes("PNG"), "现场照片.jpg",
                                    content_type="image/jpeg").build(),
        "rejected", ["photo_not_jpg"], [(DOCX_NAME, "word", None), ("现场照片.jpg", "photo", None)]),
    "jpeg_named_gif": Spec(
        lambda: submission().attach(JPG, "现场照片.gif", content_type="image/gif").build(),
        "accepted", [], [(DOCX_NAME, "word", None), ("现场照片.gif", "photo", None)]),
    "truncated_jpeg": Spec(
        lambda: submission().attach(_half(image_bytes("JPEG", (400, 300))), "现场.jpg",
                                    content_type="image/jpeg").build(),
        "rejected", ["photo_corrupt"], [(DOCX_NAME, "word", None), ("现场.jpg", "photo", None)]),
    "word_named_but_unreadable": Spec(
        lambda: submission().attach(b"not a word file at all", "基本信息表.doc",
                                    content_type="application/msword").build(),
        "rejected", ["word_unreadable"],
        [(DOCX_NAME, "word", None), ("基本信息表.doc", "word", None)]),
    "pdf_is_other": Spec(
        lambda: submission().attach(b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n", "证明材料.pdf",
                                    content_type="application/pdf").build(),
        "accepted", ["other_attachment"], [(DOCX_NAME, "word", None), ("证明材料.pdf", "other", None)]),
    # --- 4. archives ---------------------------------------------------------
    "zip_gbk_names": Spec(
        lambda: mail().attach(zip_of({"案例/" + DOCX_NAME: form(), "案例/现场一.jpg": JPG},
                                     utf8_names=False), "案例材料.zip",
                              content_type="application/x-zip-compressed").build(),
        "accepted", [], [("案例材料.zip", "archive", None), (DOCX_NAME, "word", "案例材料.zip"),
                         ("现场一.jpg", "photo", "案例材料.zip")]),
    "zip_utf8_names": Spec(
        lambda: mail().attach(zip_of({DOCX_NAME: form()}), "材料.zip").build(),
        "accepted", [], [("材料.zip", "archive", None), (DOCX_NAME, "word", "材料.zip")]),
    "rar_only": Spec(
        lambda: mail().attach(b"Rar!\x1a\x07\x01\x00" + bytes(200), "案例材料.rar").build(),
        "rejected", ["no_word_file", "other_attachment"], [("案例材料.rar", "other", None)]),
    "seven_z_beside_word": Spec(
        lambda: submission().attach(b"7z\xbc\xaf\x27\x1c" + bytes(200), "照片.7z").build(),
        "accepted", ["other_attachment"], [(DOCX_NAME, "word", None), ("照片.7z", "other", None)]),
    "zip_bomb_member": Spec(
        lambda: submission().attach(zip_of({"data.bin": bytes(5_000_000)}), "数据.zip").build(),
        "accepted", ["other_attachment", "other_attachment"],
        [(DOCX_NAME, "word", None), ("数据.zip", "archive", None), ("data.bin", "other", "数据.zip")]),
    # --- 5. forwarded submissions --------------------------------------------
    "forwarded_rfc822": Spec(
        lambda: mail(f"转发：{SUBJECT}", body="转发同事的案例").forwarded(submission().build()).build(),
        "accepted", subject=f"转发：{SUBJECT}"),
    "forwarded_as_eml_file": Spec(
        lambda: mail(f"Fw: {SUBJECT}").forwarded(submission().build(), "original.eml").build(),
        "accepted", subject=f"Fw: {SUBJECT}"),
    "forwarded_rfc822_base64": Spec(
        lambda: mail(f"转发：{SUBJECT}").forwarded(submission().build(), cte="base64").build(),
        "accepted", subject=f"转发：{SUBJECT}"),
    # --- 6. automatic mail ---------------------------------------------------
    "auto_reply_out_of_office": _ignored(
        lambda: submission(f"自动回复: {SUBJECT}").header("Auto-Submitted", "auto-replied").build(),
        "auto_reply", f"自动回复: {SUBJECT}", case_name=None),
    "auto_reply_x_autoreply": _ignored(
        lambda: submission().header("X-Autoreply", "yes").build(), "auto_reply"),
    "auto_reply_exchange_oof": _ignored(
        lambda: submission().header("X-Auto-Response-Suppress", "All").build(), "auto_reply"),
    "auto_reply_noreply_sender": _ignored(
        lambda: submission().header("From", "系统通知 <noreply@notice.example.com>").build(),
        "auto_reply"),
    "bounce_dsn_report": _ignored(
        lambda: mail("Undelivered Mail Returned to Sender").header(
            "From", "MAILER-DAEMON@163.com").report().forwarded(submission().build()).build(),
        "bounce", "Undelivered Mail Returned to Sender", case_name=None),
    "bounce_empty_return_path": _ignored(
        lambda: submission().header("Return-Path", "<>").build(), "bounce"),
    "bulk_newsletter": _ignored(
        lambda: mail("碳中和周报第12期", body="本期要闻").header(
            "List-Unsubscribe", "<https://news.example.com/u?x=1>").build(),
        "bulk", "碳中和周报第12期", [], None),
    "bulk_precedence": _ignored(lambda: submission().header("Precedence", "bulk").build(), "bulk"),
    "own_address": _ignored(
        lambda: submission().header("From", "绿色物流分会 <lsw_mecc@163.com>").build(),
        "own_address"),
    # --- 7. large-attachment links -------------------------------------------
    "link_163_html_review": Spec(
        lambda: mail().html(f'<p>从网易163邮箱发来的超大附件</p><a href="{LINK_163.replace("&", "&amp;")}">'
                            f'{DOCX_NAME}</a>').build(),
        "review", ["large_attachment_link"], []),
    "link_qq_text_review": Spec(
        lambda: mail(body=f"从QQ邮箱发来的超大附件\n{DOCX_NAME}\n下载地址：{LINK_QQ}").build(),
        "review", ["large_attachment_link"], []),
    "link_onedrive_review": Spec(
        lambda: mail(body=f"文件太大，放在 OneDrive：{LINK_1DRV}").build(),
        "review", ["large_attachment_link"], []),
    "link_beside_word_warns": Spec(
        lambda: submission().html(f'<a href="{LINK_QQ.replace("&", "&amp;")}">照片.zip</a>').build(),
        "accepted", ["large_attachment_link"]),
    # --- 8. inline images ------------------------------------------------------
    "cid_signature_logo_not_a_photo": Spec(
        lambda: submission().html('<p>此致</p><img src="cid:logo001@sig.example.com">')
        .inline_image(image_bytes("PNG"), "logo001@sig.example.com", "logo.png").build(),
        "accepted"),
    "apple_mail_inline_files": Spec(
        lambda: mail().attach(form(), DOCX_NAME, disposition="inline")
        .attach(JPG, "IMG_0001.jpeg", content_type="image/jpeg", disposition="inline").build(),
        "accepted", [], [(DOCX_NAME, "word", None), ("IMG_0001.jpeg", "photo", None)]),
    # --- received after the deadline ------------------------------------------
    "late_by_topmost_received": Spec(
        lambda: submission().received("Tue, 1 Mar 2022 00:00:30 +0800").build(),
        "rejected", ["late"]),
}


def actual_subset(found: dict[str, Any]) -> dict[str, Any]:
    return {"decision": found["decision"], "ignore_reason": found["ignore_reason"],
            "problems": sorted(p["code"] for p in found["problems"]),
            "attachments": [[a["filename"], a["kind"], a["from_archive"]]
                            for a in found["attachments"]],
            "subject": found["subject"], "case_name_from_subject": found["case_name_from_subject"]}


def write_all(only: list[str] | None = None) -> None:
    """Writes the files of every spec (or of the named ones only)."""
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for name, spec in SPECS.items():
        if only and name not in only:
            continue
        (GOLDEN / f"{name}.eml").write_bytes(spec.build())
        (GOLDEN / f"{name}.json").write_text(
            json.dumps(spec.expected(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def test_every_spec_has_committed_files():
    # GIVEN the specs THEN each has its .eml and .json, and no file is stale
    names = {p.stem for p in GOLDEN.glob("*.eml")}
    assert names == set(SPECS) and len(SPECS) >= 40


@pytest.mark.parametrize("name", sorted(SPECS))
def test_golden(name):
    from intake.config import CampaignConfig
    from intake.inspect import inspect_message
    # GIVEN the committed raw message WHEN inspected THEN what the spec means
    expected = json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))
    assert expected == SPECS[name].expected()
    found = inspect_message((GOLDEN / f"{name}.eml").read_bytes(), CampaignConfig())
    json.dumps(found, ensure_ascii=False)          # valid JSON
    assert actual_subset(found) == expected


@pytest.mark.parametrize("name", ["subject_gb2312_label_gbk_char", "zip_gbk_names",
                                  "bounce_dsn_report", "link_163_html_review"])
def test_golden_through_the_cli(name):
    from run_cli import intake
    # GIVEN a golden file WHEN `intake inspect FILE --json` runs THEN exit 0, same subset
    proc = intake("inspect", str(GOLDEN / f"{name}.eml"), "--json")
    expected = json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))
    assert actual_subset(json.loads(proc.stdout)) == expected


if __name__ == "__main__":
    # python tests/test_message_golden.py [NAME ...]   (no names: all)
    write_all(sys.argv[1:] or None)
    print(f"wrote {len(sys.argv[1:]) or len(SPECS)} message(s) to {GOLDEN}")

"""Subjects as Chinese mail really sends them (contract §2)."""
from __future__ import annotations

import email

import pytest

from builders.mail import MailBuilder, encoded_words
from parsers.subject import check_subject, decode_subject, normalise_subject

PREFIX = "碳排放管理案例征集"


def _decoded(subject_header: bytes) -> str:
    raw = MailBuilder().subject_raw(subject_header).text("x").build()
    return decode_subject(email.message_from_bytes(raw))


def test_gb2312_label_with_gbk_only_character():
    # GIVEN a gb2312-labelled word holding 镕 (GBK only; mail-parser 4.8 drops it)
    header = encoded_words(f"{PREFIX}+朱镕基路物流园案例", "gb2312")
    # WHEN decoded THEN the whole subject survives, read as GB18030
    assert _decoded(header) == f"{PREFIX}+朱镕基路物流园案例"


@pytest.mark.parametrize("charset", ["utf-8", "gb2312", "gbk", "x-gbk", "euc-cn"])
@pytest.mark.parametrize("split", [1, 5, 7, 11])
def test_encoded_words_split_inside_a_character(charset, split):
    # GIVEN a subject whose bytes are cut into two words inside a character
    header = encoded_words(f"{PREFIX}+某物流园区案例", charset, split=split)
    # WHEN decoded THEN the words are joined as bytes before decoding
    assert _decoded(header) == f"{PREFIX}+某物流园区案例"


def test_quoted_printable_word():
    # GIVEN a Q-encoded utf-8 subject
    header = encoded_words(f"{PREFIX}+案例", "utf-8", enc="Q")
    # THEN it decodes
    assert _decoded(header) == f"{PREFIX}+案例"


@pytest.mark.parametrize("codec", ["gbk", "utf-8"])
def test_raw_8bit_subject(codec):
    # GIVEN raw 8-bit bytes in the Subject header (old Foxmail: GBK; RFC 6532: UTF-8)
    header = f"{PREFIX}+镕钢碳核算".encode(codec)
    # THEN UTF-8 where valid, else GB18030
    assert _decoded(header) == f"{PREFIX}+镕钢碳核算"


def test_mixed_raw_ascii_and_encoded_word():
    # GIVEN "Re: " + a word + raw text after it, folded
    header = b"Re: " + encoded_words(PREFIX, "utf-8") + b"\r\n +" + "名称".encode("gbk")
    # THEN each piece decodes and the fold disappears
    assert _decoded(header) == f"Re: {PREFIX} +名称"


def test_absent_subject_is_empty():
    # GIVEN no Subject header THEN ""
    raw = MailBuilder().text("x").build()
    assert decode_subject(email.message_from_bytes(raw)) == ""


def test_broken_base64_word_does_not_raise():
    # GIVEN a word whose base64 is broken THEN something comes back, no exception
    assert isinstance(_decoded(b"=?utf-8?B?5qGI5?= x"), str)


@pytest.mark.parametrize("subject, normalised", [
    (f"{PREFIX}＋名称", f"{PREFIX}+名称"),                 # full-width plus (NFKC)
    (f"{PREFIX} + 名称 ", f"{PREFIX}+名称"),              # spaces around +
    (f"【{PREFIX}】+名称", f"{PREFIX}+名称"),              # brackets around the prefix
    (f"【{PREFIX}+名称】", f"{PREFIX}+名称"),              # brackets around it all
    (f"[{PREFIX}+名称]", f"{PREFIX}+名称"),
    (f"「{PREFIX}」＋名称", f"{PREFIX}+名称"),
    (f"Re: 回复：转发: Fwd: {PREFIX}+名称", f"{PREFIX}+名称"),  # chains of prefixes
    (f"RE：答复:FW:{PREFIX}+名称", f"{PREFIX}+名称"),
    (f"回复：【{PREFIX}】＋名称", f"{PREFIX}+名称"),
    (f"{PREFIX}+某  物流\u3000园区", f"{PREFIX}+某 物流 园区"),  # spaces collapsed
])
def test_normalise(subject, normalised):
    # GIVEN a subject as people write it THEN it normalises to prefix+name
    assert normalise_subject(subject) == normalised


@pytest.mark.parametrize("subject, status, name, reply", [
    (f"{PREFIX}+某物流园区碳排放核算案例", "ok", "某物流园区碳排放核算案例", False),
    (f"{PREFIX}+", "case_name_missing", None, False),
    (f"{PREFIX} ＋  ", "case_name_missing", None, False),
    (f"{PREFIX}：某案例", "subject_format", None, False),
    (f"关于{PREFIX}的咨询", "subject_format", None, False),
    (f"Re: {PREFIX}+名称", "ok", "名称", True),
    (f"回复：{PREFIX}+名称", "ok", "名称", True),
    (f"答复:{PREFIX}+名称", "ok", "名称", True),
    (f"re：{PREFIX}+名称", "ok", "名称", True),
    (f"转发：{PREFIX}+名称", "ok", "名称", False),
    ("Report on 2021", "subject_format", None, False),
    ("", "subject_format", None, False),
])
def test_check_subject(subject, status, name, reply):
    # WHEN checked against the prefix THEN status, case name and reply flag
    check = check_subject(subject, PREFIX)
    assert (check.status, check.case_name, check.is_reply) == (status, name, reply)
    assert check.starts_with_prefix == (status != "subject_format" or subject.endswith("某案例"))


def test_unknown_mime_label_alias():
    # GIVEN an iso-8859-8-i word (RFC 1556; no Python codec of that name) THEN Hebrew
    import base64
    word = b"=?iso-8859-8-i?B?" + base64.b64encode("שלום".encode("iso-8859-8")) + b"?="
    assert _decoded(word) == "שלום"


def test_utf8_cut_inside_the_last_character():
    # GIVEN raw UTF-8 header bytes cut inside the last character (length-bounded
    # by a client) THEN still UTF-8, the broken tail dropped, not read as GB18030
    data = "碳排放管理案例征集+案例".encode("utf-8")[:-1]
    assert _decoded(data) == "碳排放管理案例征集+案"

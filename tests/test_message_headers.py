"""Headers of ParsedMessage: sender, dates, Return-Path, bodies, links."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from builders.mail import MailBuilder, encoded_words
from parsers.message import parse_message

CST = timezone(timedelta(hours=8))


def test_from_with_encoded_name_holding_a_comma():
    # GIVEN a display name that decodes to text with a comma
    name = encoded_words("张三, 某公司", "gb2312")
    raw = MailBuilder().header("From", b'"' + name + b'" <Zhang.San@Example.COM>').build()
    msg = parse_message(raw)
    # THEN the name decodes and the address is lower-cased
    assert (msg.from_name, msg.from_address) == ("张三, 某公司", "zhang.san@example.com")


def test_from_raw_gbk_name():
    raw = MailBuilder().header("From", "张三".encode("gbk") + b" <z@example.com>").build()
    msg = parse_message(raw)
    assert (msg.from_name, msg.from_address) == ("张三", "z@example.com")


def test_dates():
    # GIVEN Date and two Received headers THEN received_date is the topmost one's
    raw = (MailBuilder().received("Tue, 1 Mar 2022 00:00:05 +0800", by="relay")
           .received("Tue, 1 Mar 2022 00:01:00 +0800").build())
    msg = parse_message(raw)
    assert msg.date == datetime(2022, 2, 20, 10, 31, tzinfo=CST)
    assert msg.received_date == datetime(2022, 3, 1, 0, 1, tzinfo=CST)


def test_bad_date_is_none():
    raw = MailBuilder().header("Date", "yesterday-ish").build()
    msg = parse_message(raw)
    assert msg.date is None and msg.received_date is None


def test_return_path():
    assert parse_message(MailBuilder().build()).return_path is None
    assert parse_message(MailBuilder().header("Return-Path", "<>").build()).return_path == ""
    assert parse_message(MailBuilder().header("Return-Path", "<A@b.cn>").build()).return_path == "a@b.cn"


def test_header_decoded_and_absent():
    msg = parse_message(MailBuilder().header("X-Note", encoded_words("你好")).build())
    assert msg.header("X-Note") == "你好" and msg.header("X-Absent") is None


def test_gb2312_body_with_gbk_character():
    # GIVEN a gb2312-labelled body holding 镕 (strict gb2312 codecs fail)
    msg = parse_message(MailBuilder().text("朱镕基路", charset="gb2312").build())
    # THEN the text survives
    assert "朱镕基路" in msg.text


def test_large_attachment_link_in_html():
    html = ('<a href="https://mail.163.com/large-attachment-download/index.html?'
            'p=X-NETEASE-HUGE-ATTACHMENT&amp;file=abc">案例.docx</a>')
    msg = parse_message(MailBuilder().html(html).build())
    assert msg.large_attachment_links == [
        "https://mail.163.com/large-attachment-download/index.html?p=X-NETEASE-HUGE-ATTACHMENT&file=abc"]


def test_report_and_message_id():
    msg = parse_message(MailBuilder().text("undeliverable").report().build())
    assert msg.is_report and msg.message_id == "<test-1@example.com>"


def test_garbage_never_raises():
    # GIVEN bytes that are no mail at all THEN a ParsedMessage, no exception
    for raw in (b"", b"\x00\xff" * 100, b"Content-Type: multipart/mixed\r\n\r\n--",
                b"Subject: =?x-unknown?B?!!!?=\r\n\r\n"):
        assert parse_message(raw).subject is not None


def test_deep_nesting_is_bounded():
    # GIVEN a message nested 2000 multiparts deep THEN parsed, with a defect
    depth = 2000
    head = b"".join(b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i)
                    for i in range(depth))
    msg = parse_message(b"Subject: deep\r\n" + head + b"Content-Type: text/plain\r\n\r\nx\r\n")
    assert msg.subject == "deep" and msg.defects

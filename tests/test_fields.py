"""rules.fields: field_missing, field_invalid, summary_too_long, case_name_mismatch."""
from __future__ import annotations

import pytest

from rules.fields import email_plausible, field_problems, phone_plausible
from tests.builders.docx import SAMPLE_INFO


def _codes(problems: list) -> list[tuple[str, str | None, str]]:
    return [(p.code, p.field, p.severity) for p in problems]


def test_complete_info_has_no_problem() -> None:
    # GIVEN the sample info table, complete and plausible
    # WHEN its fields are judged against the matching subject name
    problems = field_problems(dict(SAMPLE_INFO), "某物流园区碳排放核算案例")
    # THEN there is nothing to report
    assert problems == []


@pytest.mark.parametrize("key", ["unit_name", "address", "contact", "phone", "email",
                                 "case_name", "summary"])
def test_each_empty_text_field_is_missing(key: str) -> None:
    # GIVEN an info table with one text field empty
    info = dict(SAMPLE_INFO, **{key: None})
    # WHEN judged
    problems = field_problems(info, None, file="a.docx")
    # THEN exactly that field is reported missing, as an error naming the file
    assert _codes(problems) == [("field_missing", key, "error")]
    assert problems[0].file == "a.docx"
    assert "未填写" in problems[0].message


@pytest.mark.parametrize("key", ["unit_types", "case_types"])
def test_nothing_checked_is_missing(key: str) -> None:
    # GIVEN a checkbox list with nothing checked
    info = dict(SAMPLE_INFO, **{key: []})
    # WHEN judged / THEN the list field is missing
    assert _codes(field_problems(info, None)) == [("field_missing", key, "error")]


def test_other_text_required_only_when_other_checked() -> None:
    # GIVEN 其他 checked in 单位类型 with empty brackets, and 案例类型 unchecked 其他
    info = dict(SAMPLE_INFO, unit_types=["其他"], unit_type_other=None,
                case_type_other=None)
    # WHEN judged
    problems = field_problems(info, None)
    # THEN only unit_type_other is missing
    assert _codes(problems) == [("field_missing", "unit_type_other", "error")]


def test_other_text_filled_is_fine() -> None:
    # GIVEN 其他 checked with its text
    info = dict(SAMPLE_INFO, case_types=["其他"], case_type_other="碳普惠案例")
    # WHEN judged / THEN no problem
    assert field_problems(info, None) == []


@pytest.mark.parametrize("phone", [
    "010-68080060", "(010) 68080060", "（010）68080060", "188 1130 7600", "18811307600",
    "+86 188 1130 7600", "+86-10-68080060", "0755-12345678转801", "010-68080060 分机 12",
    "(010) 68080060, 18811307600, 15120091994", "18811307600、15120091994",
    "18811307600；010-68080060", "18811307600/15120091994", "１８８１１３０７６００"])
def test_plausible_phones(phone: str) -> None:
    # GIVEN a phone number in one of the forms people write / WHEN checked / THEN plausible
    assert phone_plausible(phone)


@pytest.mark.parametrize("phone", ["12345", "010-6808", "1881130760", "28811307600",
                                   "18811307600, 123", "电话号码", "+1 650 253 0000"])
def test_implausible_phones(phone: str) -> None:
    # GIVEN something that is no mainland number / WHEN checked / THEN not plausible
    assert not phone_plausible(phone)


@pytest.mark.parametrize("email,ok", [
    ("lsw_mecc@163.com", True), ("zhang.san@mail.example.com.cn", True),
    ("zhang@example", False), ("zhang.example.com", False),
    ("a@b.com; c@d.com", False), ("张三 <zhang@example.com>", False), ("@163.com", False)])
def test_email_plausibility(email: str, ok: bool) -> None:
    # GIVEN an e-mail field / WHEN checked / THEN one local@domain.tld is plausible
    assert email_plausible(email) is ok


def test_invalid_phone_and_email_are_warnings() -> None:
    # GIVEN an info table with an implausible phone and e-mail
    info = dict(SAMPLE_INFO, phone="123", email="zhang at example.com")
    # WHEN judged
    problems = field_problems(info, None)
    # THEN both are field_invalid warnings naming the field, quoting the value
    assert _codes(problems) == [("field_invalid", "email", "warning"),
                                ("field_invalid", "phone", "warning")]
    assert "123" in problems[1].message


def test_summary_limit_counts_non_whitespace() -> None:
    # GIVEN a summary of exactly 1000 characters plus whitespace, and one of 1001
    at_limit = dict(SAMPLE_INFO, summary="碳" * 500 + " \n\t" + "排" * 500)
    over = dict(SAMPLE_INFO, summary="碳 " * 1001)
    # WHEN judged
    # THEN the first passes and the second is a warning with the count as detail
    assert field_problems(at_limit, None) == []
    problems = field_problems(over, None)
    assert _codes(problems) == [("summary_too_long", "summary", "warning")]
    assert "1001" in problems[0].message


@pytest.mark.parametrize("subject", [
    "某物流园区碳排放核算案例", "《某物流园区碳排放核算案例》", "“某物流园区 碳排放核算案例”",
    "某物流园区碳排放核算案例 ", "【某物流园区碳排放核算案例】", "\"某物流园区碳排放核算案例\""])
def test_case_name_matches_after_normalisation(subject: str) -> None:
    # GIVEN a subject name that differs only in quotes, brackets, spaces or width
    # WHEN judged / THEN no mismatch
    assert field_problems(dict(SAMPLE_INFO), subject) == []


def test_case_name_mismatch_is_a_warning() -> None:
    # GIVEN a subject naming another case
    problems = field_problems(dict(SAMPLE_INFO), "某钢铁企业碳排放监测案例")
    # WHEN judged / THEN case_name_mismatch warning quoting the table's name
    assert _codes(problems) == [("case_name_mismatch", "case_name", "warning")]
    assert "某物流园区碳排放核算案例" in problems[0].message


@pytest.mark.parametrize("subject,table", [(None, "名称"), ("名称", None), ("", "名称")])
def test_case_name_compared_only_when_both_present(subject: str | None,
                                                   table: str | None) -> None:
    # GIVEN one of the two names absent
    info = dict(SAMPLE_INFO, case_name=table)
    # WHEN judged
    codes = [p.code for p in field_problems(info, subject)]
    # THEN no mismatch is reported (a missing table name is field_missing instead)
    assert "case_name_mismatch" not in codes

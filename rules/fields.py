"""Problems with the info table's fields (contract §3): field_missing,
field_invalid, summary_too_long and case_name_mismatch."""
from __future__ import annotations

import re
import unicodedata

from rules.problems import Problem, problem

TEXT_KEYS = ("unit_name", "address", "contact", "phone", "email")
REQUIRED_KEYS = ("unit_name", "address", "contact", "phone", "email", "unit_types",
                 "case_name", "case_types", "summary")
OTHER_KEYS = {"unit_types": "unit_type_other", "case_types": "case_type_other"}
SUMMARY_LIMIT = 1000

_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}$")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
# 0 + area code (2–3 digits after the 0) + 7–8 digits: 010-68080060, 0755-12345678.
_LANDLINE = re.compile(r"^0\d{2,3}\d{7,8}$")
_PHONE_SEPARATORS = re.compile(r"[,、;/]")   # after NFKC: ， → ,  ； → ;
_EXTENSION = re.compile(r"(?:转|分机|ext\.?|x)\s*\d+$", re.IGNORECASE)
_PHONE_NOISE = re.compile(r"[\s\-()\[\]（）—–]")


def _empty(value: object) -> bool:
    return value is None or value == [] or (isinstance(value, str) and not value.strip())


def missing_problems(info: dict, file: str | None) -> list[Problem]:
    out = [problem("field_missing", field=key, file=file)
           for key in REQUIRED_KEYS if _empty(info.get(key))]
    for list_key, other_key in OTHER_KEYS.items():
        if "其他" in (info.get(list_key) or []) and _empty(info.get(other_key)):
            out.append(problem("field_missing", field=other_key, file=file))
    return out


def email_plausible(value: str) -> bool:
    """One address `local@domain.tld` (a second address or a name is not)."""
    return bool(_EMAIL.match(unicodedata.normalize("NFKC", value).strip()))


def _one_phone_plausible(number: str) -> bool:
    n = _EXTENSION.sub("", number.strip())
    n = _PHONE_NOISE.sub("", n)
    international = n.startswith(("+86", "0086"))
    if international:
        n = n[len("+86"):] if n.startswith("+") else n[len("0086"):]
    if international and not _MOBILE.match(n):
        n = "0" + n  # +86 10 68080060: the trunk 0 is dropped after a country code
    return bool(_MOBILE.match(n) or _LANDLINE.match(n))


def phone_plausible(value: str) -> bool:
    """Every number in the field is a mainland mobile or landline.

    Several numbers may be separated by , 、 ； or / (NFKC folds the
    full-width forms); a space alone never separates: "188 1130 7600" is one.
    """
    text = unicodedata.normalize("NFKC", value)
    numbers = [n for n in _PHONE_SEPARATORS.split(text) if n.strip()]
    return bool(numbers) and all(_number_plausible(n) for n in numbers)


def _number_plausible(chunk: str) -> bool:
    # "188 1130 7600" is one number; "18811307600 15120091994" two, space-separated.
    parts = chunk.split()
    return _one_phone_plausible(chunk) or (
        len(parts) > 1 and all(_one_phone_plausible(p) for p in parts))


def invalid_problems(info: dict, file: str | None) -> list[Problem]:
    out = []
    email, phone = info.get("email"), info.get("phone")
    if not _empty(email) and not email_plausible(email):
        out.append(problem("field_invalid", field="email", file=file, detail=email))
    if not _empty(phone) and not phone_plausible(phone):
        out.append(problem("field_invalid", field="phone", file=file, detail=phone))
    return out


def summary_length(summary: str | None) -> int:
    """Characters of 案例概述, whitespace not counted."""
    return len(re.sub(r"\s+", "", summary or ""))


_NAME_STRIP = re.compile(r"[\s《》〈〉“”\"'‘’「」『』【】\[\]()（）]")


def normalise_case_name(name: str) -> str:
    """NFKC, no spaces, no quotes (《》“”\"\") and no brackets."""
    return _NAME_STRIP.sub("", unicodedata.normalize("NFKC", name))


def field_problems(info: dict, subject_case_name: str | None, *,
                   file: str | None = None) -> list[Problem]:
    """Every field problem of one info table, in a stable order."""
    out = missing_problems(info, file) + invalid_problems(info, file)
    count = summary_length(info.get("summary"))
    if count > SUMMARY_LIMIT:
        out.append(problem("summary_too_long", field="summary", file=file, detail=str(count)))
    table_name = info.get("case_name")
    if subject_case_name and not _empty(table_name):
        if normalise_case_name(subject_case_name) != normalise_case_name(table_name):
            out.append(problem("case_name_mismatch", field="case_name", file=file,
                               detail=table_name))
    return out

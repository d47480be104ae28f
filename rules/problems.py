"""The problems of contract §3: code, severity and the Chinese text that
tells the sender what to do.

Every problem is made through :func:`problem`, so the wording lives here
once and the replies, the digest and ``intake inspect`` agree.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

ERROR, WARNING = "error", "warning"

FIELD_LABELS: dict[str, str] = {
    "unit_name": "单位名称",
    "address": "通讯地址",
    "contact": "联系人",
    "phone": "联系电话",
    "email": "邮箱",
    "unit_types": "单位类型",
    "unit_type_other": "单位类型“其他”括号内的说明",
    "case_name": "案例名称",
    "case_types": "案例类型",
    "case_type_other": "案例类型“其他”括号内的说明",
    "summary": "案例概述",
}

# code -> (severity, message template). Templates may use {field_label},
# {file}, {prefix}, {deadline}, {detail}.
CATALOG: dict[str, tuple[str, str]] = {
    "subject_format": (ERROR,
        "邮件标题格式不符合要求。请使用“{prefix}+案例名称”作为邮件标题重新发送，"
        "例如“{prefix}+某物流园区碳排放核算案例”。"),
    "case_name_missing": (ERROR,
        "邮件标题中“+”后面缺少案例名称。请以“{prefix}+案例名称”为标题重新发送。"),
    "no_word_file": (ERROR,
        "邮件中没有找到 Word 文件。请将案例材料和《碳排放管理典型案例基本信息表》"
        "以 Word 文件（.docx 或 .doc）作为附件重新发送。"),
    "word_unreadable": (ERROR,
        "附件“{file}”无法打开（{detail}）。请检查文件是否损坏或加密，"
        "去掉密码后另存为 .docx 格式重新发送。"),
    "info_table_missing": (ERROR,
        "没有在 Word 文件中找到《碳排放管理典型案例基本信息表》。请按通知附件的格式"
        "填写基本信息表，与案例材料一起重新发送。"),
    "field_missing": (ERROR,
        "基本信息表中“{field_label}”未填写。请补充后重新发送。"),
    "photo_not_jpg": (ERROR,
        "图片“{file}”不是 JPG 格式。通知要求照片为 JPG 格式，请转换为 JPG 后重新发送。"),
    "photo_too_large": (ERROR,
        "照片“{file}”超过 20M。请压缩到 20M 以内后重新发送。"),
    "photo_corrupt": (ERROR,
        "照片“{file}”已损坏，无法完整打开。请重新导出该照片后重新发送。"),
    "late": (ERROR,
        "邮件在征集截止时间（{deadline}）之后收到。如有特殊情况，请直接联系工作人员。"),
    "field_invalid": (WARNING,
        "基本信息表中的“{field_label}”（{detail}）看起来不正确，请核对；"
        "如有误，请在回复中更正。"),
    "summary_too_long": (WARNING,
        "案例概述约 {detail} 字，超过建议的 1000 字以内，编写组可能会删减。"),
    "case_name_mismatch": (WARNING,
        "邮件标题中的案例名称与基本信息表中的案例名称（{detail}）不一致，"
        "我们以基本信息表为准；如需更正，请回复说明。"),
    "other_attachment": (WARNING,
        "附件“{file}”不是 Word 文件、JPG 照片或 zip 压缩包，已保存但不会读取。{detail}"),
    "large_attachment_link": (WARNING,
        "邮件中含有超大附件下载链接，工作人员将手动下载。"
        "超大附件有有效期，请勿在下载前删除。"),
}


@dataclass(frozen=True)
class Problem:
    code: str
    severity: str
    message: str
    field: str | None = None
    file: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return asdict(self)


def problem(code: str, *, field: str | None = None, file: str | None = None,
            severity: str | None = None, message: str | None = None, **values: str) -> Problem:
    """Builds the problem `code`; `values` fill the message template, or
    `message` replaces it where the catalogue's wording does not fit."""
    default_severity, template = CATALOG[code]
    values.setdefault("detail", "")
    values.setdefault("prefix", "碳排放管理案例征集")
    values.setdefault("deadline", "")
    text = message or template.format(field_label=FIELD_LABELS.get(field or "", field or ""),
                                      file=file or "", **values)
    return Problem(code, severity or default_severity, text, field, file)


def has_errors(problems: list[Problem]) -> bool:
    return any(p.severity == ERROR for p in problems)

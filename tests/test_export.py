"""`intake export`: JSON/CSV/XLSX rows per submission, and the editors' tree."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session, selectinload

from builders.samples import PREFIX, form, jpeg, mail, samples
from conftest import write_config
from db.models import Message
from intake import config as config_mod
from intake.app import App
from intake.casefiles import safe_name
from intake.errors import IntakeError
from intake.pipeline import poll
from run_cli import intake

HOSTILE = '=HYPERLINK("http://evil.example","点我")'


def polled(tmp_path: Path, raws: list[bytes]) -> Path:
    """A config whose database holds `raws`, polled from a Maildir (replies to a folder)."""
    box = tmp_path / "box"
    for sub in ("cur", "new", "tmp"):
        (box / sub).mkdir(parents=True)
    for i, raw in enumerate(raws):
        (box / "new" / f"{i:04d}.test").write_bytes(raw)
    path = write_config(tmp_path, mailbox={"kind": "maildir", "path": str(box)},
                        smtp={"kind": "outbox", "path": str(tmp_path / "outbox")})
    app = App.from_config(config_mod.load(path))
    poll(app)
    app.close()
    return path


def db_rows(tmp_path: Path) -> list[Message]:
    engine = create_engine(f"sqlite:///{tmp_path / 'intake.db'}")
    with Session(engine) as session:
        rows = list(session.scalars(select(Message).options(
            selectinload(Message.attachments), selectinload(Message.problems),
            selectinload(Message.replies))))
    engine.dispose()
    return rows


@pytest.fixture(scope="module")
def day(tmp_path_factory) -> Path:
    """The twenty sample mails, a resubmission, and a hostile one, polled once."""
    tmp = tmp_path_factory.mktemp("export")
    extra = [mail(51, f"{PREFIX}+某物流园区碳排放核算案例", files=[form(phone="13900000000")]).as_bytes(),
             mail(52, f"{PREFIX}+恶意", "evil@corp.cn",
                  files=[form(case_name="CON", unit_name=HOSTILE, case_types=["碳排放监测案例"]),
                         ("aux.jpg", jpeg(seed=9), "image/jpeg")]).as_bytes()]
    polled(tmp, [s.raw for s in samples()] + extra)
    return tmp


def test_json_export_holds_what_the_database_holds(day: Path):
    # GIVEN a database of 22 messages, one a version 2
    # WHEN it is exported as JSON through the command
    out = day / "all.json"
    intake("export", "--format", "json", "-o", str(out), config=day / "config.yaml")
    exported = json.loads(out.read_text(encoding="utf-8"))
    # THEN every row appears exactly once: as a submission or as an earlier message of one
    flat = {r["id"]: r for e in exported for r in [e, *e["earlier"]]}
    rows = db_rows(day)
    assert len(flat) == sum(1 + len(e["earlier"]) for e in exported) == len(rows) == 22
    # AND each holds the row's fields, files, problems and replies
    for m in rows:
        r = flat[m.id]
        assert (r["subject"], r["from"]["address"], r["decision"], r["ignore_reason"]) == (
            m.subject, m.from_address, m.decision, m.ignore_reason)
        assert (r["receipt"], r["version"], r["info"], r["case_document"]) == (
            m.receipt, m.version, m.info, m.case_document)
        assert r["received_at"] == m.received_at.isoformat() and r["raw_sha256"] == m.raw_sha256
        assert [(p["code"], p["severity"], p["field"], p["file"], p["message"]) for p in r["problems"]] \
            == [(p.code, p.severity, p.field, p.file, p.text) for p in m.problems]
        assert [(a["filename"], a["kind"], a["size"], a["sha256"]) for a in r["attachments"]] \
            == [(a.filename, a.kind, a.size, a.sha256) for a in m.attachments]
        assert [(x["to"], x["state"], x["message_id"]) for x in r["replies"]] \
            == [(x.to_address, x.state, x.message_id) for x in m.replies]
    # AND the resubmitted case is one entry: its version 2, with version 1 beneath
    (case,) = [e for e in exported if e["from"]["address"] == "zhangsan@example.com"
               and e["decision"] == "accepted"]
    assert case["version"] == 2 and case["info"]["phone"] == "13900000000"
    assert [x["version"] for x in case["earlier"] if x["decision"] == "accepted"] == [1]


def test_xlsx_has_chinese_headers_a_frozen_row_and_a_sheet_per_status(day: Path):
    # WHEN the XLSX export is written
    out = day / "all.xlsx"
    intake("export", "-o", str(out), config=day / "config.yaml")
    wb = openpyxl.load_workbook(out)
    # THEN it has a sheet of all, then one per status, each with a frozen header row
    assert wb.sheetnames == ["全部", "受理", "退回", "待人工下载", "忽略", "处理失败"]
    everything = wb["全部"]
    headers = [c.value for c in everything[1]]
    assert headers[:4] == ["ID", "收件编号", "版本", "结果"] and "单位名称" in headers
    assert all(wb[name].freeze_panes == "A2" for name in wb.sheetnames)
    col = {h: openpyxl.utils.get_column_letter(i) for i, h in enumerate(headers, start=1)}
    assert everything.column_dimensions[col["案例概述"]].width >= 40
    assert everything.column_dimensions[col["版本"]].width <= 8
    # AND one row per submission, split by status: 22 mails, but case 1's
    # version 2, version 1 and three rejected attempts of the same unit are one
    assert everything.max_row - 1 == 18
    assert [wb[n].max_row - 1 for n in ("受理", "退回", "待人工下载", "忽略")] == [6, 5, 1, 6]
    # AND a field that looks like a formula is text, not a formula
    units = [r[headers.index("单位名称")] for r in everything.iter_rows(min_row=2)]
    evil = next(c for c in units if c.value and c.value.startswith("="))
    assert evil.value == HOSTILE and evil.data_type == "s"


def test_csv_opens_in_excel_and_defuses_formulas(day: Path):
    out = day / "all.csv"
    intake("export", "--format", "csv", "-o", str(out), config=day / "config.yaml")
    data = out.read_bytes()
    # THEN it starts with a BOM (Excel reads UTF-8) and has the Chinese headers
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 18 and "案例名称" in rows[0]
    # AND a value starting with = is prefixed, so Excel shows it as text
    assert "'" + HOSTILE in [r["单位名称"] for r in rows]


def test_files_lays_out_the_accepted_cases_by_type(day: Path):
    # WHEN the editors' tree is written
    out = day / "cases"
    intake("export", "--files", str(out), config=day / "config.yaml")
    tree = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    # THEN one folder per 案例类型, one per accepted case (latest version), with its
    # Word files, photos and a summary; the hostile names are made safe for Windows
    folder = "碳排放核算案例/CASE-2022-0001 某物流园区碳排放核算案例"
    assert tree == sorted([
        ".intake-export",
        f"{folder}/案例信息.txt", f"{folder}/案例材料.docx",
        "碳排放监测案例/CASE-2022-0002 冷链仓储碳排放监测案例/案例信息.txt",
        "碳排放监测案例/CASE-2022-0002 冷链仓储碳排放监测案例/基本信息表.docx",
        "碳排放监测案例/CASE-2022-0002 冷链仓储碳排放监测案例/案例正文.docx",
        "碳排放核查案例/CASE-2022-0003 港口碳排放核查案例/案例信息.txt",
        "碳排放核查案例/CASE-2022-0003 港口碳排放核查案例/案例材料.docx",
        "航空碳排放管理相关案例/CASE-2022-0004 航空货运碳排放管理实践/案例信息.txt",
        "航空碳排放管理相关案例/CASE-2022-0004 航空货运碳排放管理实践/案例材料.docx",
        "碳排放相关咨询项目案例/CASE-2022-0005 城市配送碳足迹咨询案例/案例信息.txt",
        "碳排放相关咨询项目案例/CASE-2022-0005 城市配送碳足迹咨询案例/案例材料.docx",
        "碳排放监测案例/CASE-2022-0007 CON/案例信息.txt",
        "碳排放监测案例/CASE-2022-0007 CON/案例材料.docx",
        "碳排放监测案例/CASE-2022-0007 CON/_aux.jpg",
    ])
    # AND the summary holds version 2's fields, readable in Notepad
    summary = (out / folder / "案例信息.txt").read_bytes()
    assert summary.startswith(b"\xef\xbb\xbf") and b"\r\n" in summary
    assert "13900000000" in summary.decode("utf-8-sig") and "版本：2" in summary.decode("utf-8-sig")
    # AND a second export replaces the first; a folder that is not an export is refused
    intake("export", "--files", str(out), config=day / "config.yaml")
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()) == tree
    foreign = day / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("x")
    proc = intake("export", "--files", str(foreign), config=day / "config.yaml", check=False)
    assert proc.returncode == 1 and "not an earlier export" in proc.stderr
    assert (foreign / "notes.txt").read_text() == "x"


@pytest.mark.parametrize("name, safe", [
    ("CON", "_CON"), ("aux.docx", "_aux.docx"), ("LPT1.txt", "_LPT1.txt"),
    ('a<b>:c"d/e\\f|g?h*.docx', "a_b__c_d_e_f_g_h_.docx"), ("结尾有点. ", "结尾有点"),
    ("x" * 100 + ".docx", "x" * 55 + ".docx"), ("\x00\x1f", "__"), ("", "_"),
])
def test_names_are_safe_on_windows(name: str, safe: str):
    assert safe_name(name) == safe


def test_unknown_format_is_one_clear_error(tmp_path: Path):
    from intake.export import export
    config = polled(tmp_path, [])
    app = App.from_config(config_mod.load(config))
    with pytest.raises(IntakeError, match="unknown export format"):
        export(app, "ods", tmp_path / "x.ods")
    app.close()

"""Builds a realistic day of the campaign (≥ 30 mails) in a scratch folder,
polls it through the real pipeline and writes the staff digest as HTML.

    .venv/bin/python docs/digest_day.py docs/digest.html
    chromium --headless --no-sandbox --screenshot=docs/digest.png \
        --window-size=1000,1800 file://$PWD/docs/digest.html

The day is 2022-02-20 (8 days before the deadline); the digest is "sent"
at 08:30 on the 21st. Replies go to an outbox folder; one address is made
to fail so the digest has a reply problem to show.
"""
from __future__ import annotations

import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from sqlalchemy import select  # noqa: E402

from builders.samples import BEIJING, PREFIX, bounce, form, jpeg, mail  # noqa: E402
from db.models import GIVEN_UP, Message, Reply  # noqa: E402
from intake import config as config_mod  # noqa: E402
from intake.app import App  # noqa: E402
from intake.digest import render  # noqa: E402
from intake.pipeline import poll  # noqa: E402

DAY = datetime(2022, 2, 20, 8, 40, tzinfo=BEIJING)
UNITS = [("顺达冷链物流有限公司", "生产企业"), ("中环碳核查技术服务中心", "第三方核查机构"),
         ("华北物流研究院", "科研院所"), ("绿港供应链管理有限公司", "生产企业"),
         ("碳链数字科技有限公司", "数字化与信息化技术企业"), ("东方航空物流股份有限公司", "生产企业"),
         ("中物联碳咨询（北京）有限公司", "咨询机构"), ("上海环境能源交易所", "碳交易机构")]
CASES = [("冷库制冷系统碳排放监测实践", "碳排放监测案例"), ("城市配送车队碳排放核算", "碳排放核算案例"),
         ("物流园区温室气体核查报告编制", "碳排放核查案例"), ("港口集装箱码头碳足迹咨询", "碳排放相关咨询项目案例"),
         ("航空货运燃油碳排放管理", "航空碳排放管理相关案例"), ("仓储光伏项目 CCER 开发", "碳排放交易实务案例"),
         ("快递包装全生命周期碳核算", "碳排放核算案例"), ("多式联运碳排放监测平台", "碳排放监测案例")]


def day_mail() -> list[bytes]:
    """32 submission attempts of every kind and 6 other mails."""
    out = []
    for n in range(24):                                 # accepted, some with warnings
        unit, utype = UNITS[n % len(UNITS)]
        case, ctype = CASES[n % len(CASES)]
        name = f"{case}（{n + 1}）"
        extra = {"phone": "12345"} if n % 7 == 3 else {}
        files = [form(unit_name=unit, unit_types=[utype], case_name=name, case_types=[ctype],
                      contact=f"联系人{n + 1}", **extra)]
        files += [(f"现场照片{i}.jpg", jpeg(seed=n * 3 + i), "image/jpeg") for i in range(n % 3)]
        out.append(mail(100 + n, f"{PREFIX}+{name}", f"user{n}@corp{n % 5}.cn", f"联系人{n + 1}",
                        when=DAY + timedelta(minutes=25 * n), files=files).as_bytes())
    out += [mail(130, "案例投稿", "zhou@corp.cn", "周八", files=[form()]).as_bytes(),
            mail(131, f"{PREFIX}+物流车队碳排放核算", "wu@corp.cn", "吴九",
                 files=[("车队.jpg", jpeg(seed=77), "image/jpeg")]).as_bytes(),
            mail(132, f"{PREFIX}+仓库节能改造", "chen@corp.cn", "陈一",
                 files=[form(unit_name=None, case_name="仓库节能改造")]).as_bytes(),
            mail(133, f"{PREFIX}+<script>alert('x')</script>", "evil@corp.cn", "<b>某人</b>",
                 files=[form(case_name="<script>alert('x')</script>")]).as_bytes(),
            mail(134, f"{PREFIX}+大型物流枢纽碳排放监测", "big@163.com", "大文件",
                 body="超大附件：https://mail.163.com/large-attachment-download/index.html?p=X1").as_bytes(),
            mail(135, f"{PREFIX}+冷库制冷系统碳排放监测实践（1）", "user0@corp0.cn", "联系人1",
                 files=[form(unit_name=UNITS[0][0], case_name="冷库制冷系统碳排放监测实践（1）",
                             case_types=[CASES[0][1]])]).as_bytes(),
            mail(136, f"{PREFIX}+失败的回复", "nobody@invalid-domain.cn", "无人",
                 files=[form(case_name="失败的回复")]).as_bytes(),
            mail(137, f"{PREFIX}+迟到的案例", "late@corp.cn", "迟到", files=[form()]).as_bytes()]
    out += [mail(140, f"关于{PREFIX}的咨询", "ask@corp.cn", "提问", body="请问可以延期吗？").as_bytes(),
            mail(141, f"Re: 回复：{PREFIX}+城市配送车队碳排放核算（2）", "user1@corp1.cn",
                 body="收到，谢谢！").as_bytes(),
            mail(142, "自动回复：休假中", "ooo@corp.cn", headers={"Auto-Submitted": "auto-replied"}).as_bytes(),
            bounce(143),
            mail(144, "碳市场周报 第8期", "news@carbon.cn", headers={"List-Id": "<w.carbon.cn>"}).as_bytes(),
            mail(145, f"关于{PREFIX}模板的问题", "q2@corp.cn", "提问二", body="模板在哪里下载？").as_bytes()]
    return out


def build(folder: Path) -> App:
    box = folder / "box"
    for sub in ("cur", "new", "tmp"):
        (box / sub).mkdir(parents=True)
    for i, raw in enumerate(day_mail()):
        (box / "new" / f"{i:04d}.day").write_bytes(raw)
    config = config_mod.from_dict({
        "mailbox": {"kind": "maildir", "path": str(box)},
        "smtp": {"kind": "outbox", "path": str(folder / "outbox")},
        "database": {"url": f"sqlite:///{folder / 'intake.db'}"},
        "storage": {"path": str(folder / "var")},
        "digest": {"recipients": ["staff@example.com"]}}, folder)
    app = App.from_config(config)
    poll(app)
    _as_if_yesterday(app)
    return app


def _as_if_yesterday(app: App) -> None:
    """Stored times as if polled during the day; one reply refused for good."""
    with app.sessions() as session:
        for m in session.scalars(select(Message)):
            m.stored_at = m.received_at or DAY
        for r in session.scalars(select(Reply)):
            r.created_at = DAY + timedelta(hours=6)
            if r.to_address == "nobody@invalid-domain.cn":
                r.state, r.attempts = GIVEN_UP, 1
                r.last_error = "SMTP server answered 550 5.1.1 <nobody@invalid-domain.cn>: user unknown"
        session.commit()


def main(out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = build(Path(tmp))
        _, html, context = render(app, datetime(2022, 2, 21, 8, 30, tzinfo=BEIJING))
        app.close()
    out.write_text(html, encoding="utf-8")
    print(f"{context['total']} mails → {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/digest.html"))

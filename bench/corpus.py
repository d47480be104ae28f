"""The mail of a whole campaign, built fast enough to benchmark with.

A submission is what the notice asks for: a ~200 KB .docx (基本信息表 + case
body with two figures) and two ~2 MB JPEG photos. 10 % of the mail is
rejected (wrong subject, a missing field) and 10 % is automatic (bounces,
out-of-office replies). Every message is unique (own Message-ID, sender,
case name, photo bytes), so none is taken for a duplicate by its sha256.

Encoding a 2 MB JPEG takes ~0.1 s; thousands of them would dominate the
run. So each photo is encoded once and made unique by a COM segment
(ITU T.81 B.2.4.5) right after SOI: still a valid JPEG that decodes fully,
different bytes, no re-encoding.
"""
from __future__ import annotations

import base64
import io
import random
import urllib.parse
import sys
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.header import Header
from email.utils import format_datetime, formataddr
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
# tests/builders imports itself as `builders` (pytest puts tests/ on sys.path).
sys.path.insert(0, str(ROOT / "tests"))

from builders.docx import SAMPLE_INFO, build_form_docx  # noqa: E402
from builders.samples import CAMPAIGN, PREFIX, bounce  # noqa: E402

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BEIJING = timezone(timedelta(hours=8))
DEADLINE = datetime(2022, 2, 28, 23, 59, 59, tzinfo=BEIJING)
CAMPAIGN_DAYS = 40
PHOTO_BYTES = 2 * 1024 * 1024
FIGURE_BYTES = 90 * 1024            # two figures in the .docx: ~200 KB with the text
_CJK = "碳排放管理监测核算核查咨询交易企业园区物流运输能源数据质量控制报告设备校准因子活动边界"

SUBMISSION, REJECTED, AUTOMATIC = "submission", "rejected", "automatic"


@dataclass
class CampaignMail:
    raw: bytes
    internaldate: datetime
    kind: str                       # SUBMISSION / REJECTED / AUTOMATIC


# --------------------------------------------------------------- photos

def _photo(width: int, height: int, seed: int) -> Image.Image:
    """Something like a site photo: shapes and gradients with sensor noise,
    so JPEG sizes and decode times are those of a real camera file."""
    rng = random.Random(seed)
    base = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    draw = ImageDraw.Draw(base)
    for _ in range(60):
        x, y = rng.randrange(width), rng.randrange(height)
        w, h = rng.randrange(40, width // 3), rng.randrange(40, height // 3)
        colour = tuple(rng.randrange(256) for _ in range(3))
        draw.rectangle((x, y, x + w, y + h), fill=colour)
    noise = Image.effect_noise((width, height), 28).convert("RGB")
    return Image.blend(base, noise, 0.35)


@lru_cache(maxsize=4)
def base_jpeg(target_bytes: int = PHOTO_BYTES, seed: int = 1,
              size: tuple[int, int] = (2592, 1944)) -> bytes:
    """One JPEG of about `target_bytes` (by default a 5 MP phone photo)."""
    width, height = size
    img = _photo(width, height, seed)
    for quality in (92, 88, 84, 80, 75, 70, 60, 50, 40):
        out = io.BytesIO()
        img.save(out, "JPEG", quality=quality)
        if out.tell() <= target_bytes * 1.1:
            return out.getvalue()
    return out.getvalue()


def unique_jpeg(base: bytes, tag: str) -> bytes:
    """`base` with a COM segment naming `tag`: other bytes, same pixels."""
    text = tag.encode("utf-8")[:60000]
    segment = b"\xff\xfe" + (len(text) + 2).to_bytes(2, "big") + text
    return base[:2] + segment + base[2:]


# --------------------------------------------------------------- .docx

@lru_cache(maxsize=1)
def _paragraphs() -> tuple[str, ...]:
    rng = random.Random(7)
    return tuple("".join(rng.choice(_CJK) for _ in range(rng.randint(80, 240))) + "。"
                 for _ in range(36))


@lru_cache(maxsize=1)
def _figure() -> bytes:
    return base_jpeg(FIGURE_BYTES, seed=3, size=(800, 600))


def form_docx(n: int, **changes: object) -> bytes:
    """The notice's form and a case body (~200 KB): 12 headings, ~10k
    characters of text and two embedded figures."""
    info = {**SAMPLE_INFO, "case_name": case_name(n), "email": sender(n), **changes}
    data = build_form_docx(info, images=2, body_repeat=3, body_paragraph=list(_paragraphs()))
    return _with_figures(data, n)


def _with_figures(docx: bytes, n: int) -> bytes:
    """Replaces the builder's 16-pixel images by real-sized figures."""
    src, out = zipfile.ZipFile(io.BytesIO(docx)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename.startswith("word/media/"):
                dst.writestr(item.filename, unique_jpeg(_figure(), f"fig{n}-{item.filename}"),
                             zipfile.ZIP_STORED)   # JPEG does not deflate
            else:
                dst.writestr(item, data)
    return out.getvalue()


# --------------------------------------------------------------- messages

def case_name(n: int) -> str:
    return f"第{n}号物流园区碳排放核算案例"


def sender(n: int) -> str:
    return f"unit{n}@corp{n % 97}.cn"


def _mail(n: int, subject: str, when: datetime, body: str,
          files: list[tuple[str, bytes, str]], headers: dict[str, str] | None = None) -> bytes:
    """A MIME message as a mail client writes it. Built by hand with the C
    base64 codec: the stdlib generator needs ~0.2 s per 6 MB message, which
    would make building the campaign cost as much as ingesting it."""
    boundary = f"----=_Part_{n}_bench"
    lines = [f"From: {formataddr((f'联系人{n}', sender(n)), 'utf-8')}", f"To: {CAMPAIGN}",
             f"Subject: {Header(subject, 'utf-8').encode()}", f"Date: {format_datetime(when)}",
             f"Message-ID: <bench-{n:06d}@corp{n % 97}.cn>", "MIME-Version: 1.0",
             *(f"{k}: {v}" for k, v in (headers or {}).items()),
             f'Content-Type: multipart/mixed; boundary="{boundary}"', "", ""]
    parts = [_part("text/plain; charset=utf-8", None, body.encode("utf-8"))]
    parts += [_part(ctype, name, data) for name, data, ctype in files]
    sep = f"--{boundary}\r\n".encode()
    return ("\r\n".join(lines).encode() + sep + sep.join(parts)
            + f"--{boundary}--\r\n".encode())


def _part(ctype: str, filename: str | None, data: bytes) -> bytes:
    head = f"Content-Type: {ctype}\r\nContent-Transfer-Encoding: base64\r\n"
    if filename is not None:
        quoted = urllib.parse.quote(filename, safe="")
        head += f"Content-Disposition: attachment; filename*=utf-8''{quoted}\r\n"
    return (head + "\r\n").encode() + base64.encodebytes(data).replace(b"\n", b"\r\n")


def _photos(n: int, count: int = 2) -> list[tuple[str, bytes, str]]:
    base = base_jpeg()
    return [(f"现场照片{k + 1}.jpg", unique_jpeg(base, f"photo{n}-{k}"), "image/jpeg")
            for k in range(count)]


def submission(n: int, when: datetime) -> bytes:
    return _mail(n, f"{PREFIX}+{case_name(n)}", when, "您好，附件是我单位的案例材料，请查收。",
                 [("案例材料.docx", form_docx(n), DOCX), *_photos(n)])


def rejected(n: int, when: datetime) -> bytes:
    """Full-size mail with a mistake the reply must name."""
    if (n // 10) % 2:
        return _mail(n, "案例投稿", when, "附件是案例材料。",
                     [("案例材料.docx", form_docx(n), DOCX), *_photos(n)])
    return _mail(n, f"{PREFIX}+{case_name(n)}", when, "附件是案例材料。",
                 [("案例材料.docx", form_docx(n, unit_name=None), DOCX), *_photos(n)])


def automatic(n: int, when: datetime) -> bytes:
    if (n // 10) % 2:
        return bounce(n % 1000).replace(b"<bounce-", b"<bench-%06d-bounce-" % n)
    return _mail(n, f"自动回复：{PREFIX}", when, "我正在休假，回来后回复您。", [],
                 {"Auto-Submitted": "auto-replied"})


def arrival_times(count: int, seed: int = 11) -> list[datetime]:
    """When the mail arrived: most in the last days before the deadline
    (an exponential tail back over the campaign), in arrival order."""
    rng = random.Random(seed)
    hours = [min(rng.expovariate(1 / 36), CAMPAIGN_DAYS * 24) for _ in range(count)]
    return sorted(DEADLINE - timedelta(hours=h, minutes=1) for h in hours)


def kind_of(n: int) -> str:
    """Every tenth message rejected, every tenth automatic, interleaved."""
    return {3: REJECTED, 7: AUTOMATIC}.get(n % 10, SUBMISSION)


def campaign_mail(n: int, when: datetime) -> CampaignMail:
    kind = kind_of(n)
    build = {SUBMISSION: submission, REJECTED: rejected, AUTOMATIC: automatic}[kind]
    return CampaignMail(build(n, when), when, kind)


def big_message(n: int, target_mb: float = 60.0) -> bytes:
    """One submission of about `target_mb` on the wire: the form and as many
    2 MB photos as it takes (base64 grows them by 4/3)."""
    photos = max(1, int(target_mb * 1024 * 1024 * 3 / 4 / len(base_jpeg())))
    return _mail(n, f"{PREFIX}+{case_name(n)}", DEADLINE - timedelta(hours=2),
                 "您好，照片较多，请查收。",
                 [("案例材料.docx", form_docx(n), DOCX), *_photos(n, photos)])


def small_message(n: int) -> bytes:
    """A short question: the filler of the idle-poll mailboxes."""
    return (f"From: q{n}@example.com\r\nTo: {CAMPAIGN}\r\nSubject: question {n}\r\n"
            f"Date: Sun, 20 Feb 2022 10:40:00 +0800\r\nMessage-ID: <idle-{n}@example.com>\r\n"
            f"\r\nWhen is the deadline?\r\n").encode()

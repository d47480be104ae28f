"""Times read_word on a ~1 MB case document with its info table.

Usage: python -m bench.word_read [--size-mb 1.0] [--runs 5]
The body is varied CJK text (so the file does not compress to nothing),
twelve template headings, the notice's table before it and two photos.
Target: under 0.3 s per read.
"""
from __future__ import annotations

import argparse
import random
import statistics
import time

from parsers.word import read_word
from tests.builders.docx import SAMPLE_INFO, build_form_docx

TARGET_SECONDS = 0.3
_CJK = "碳排放管理监测核算核查咨询交易企业园区物流运输能源数据质量控制报告设备校准因子活动边界"


def paragraphs(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(_CJK) for _ in range(rng.randint(80, 240))) + "。"
            for _ in range(count)]


def build(size_mb: float) -> bytes:
    """A form + case .docx of at least `size_mb` megabytes."""
    repeat = 200
    while True:
        data = build_form_docx(SAMPLE_INFO, images=2, body_repeat=repeat,
                               body_paragraph=paragraphs(repeat * 12))
        if len(data) >= size_mb * 1024 * 1024:
            return data
        repeat = int(repeat * (size_mb * 1024 * 1024 / len(data)) * 1.05) + 1


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size-mb", type=float, default=1.0)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    data = build(args.size_mb)
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        doc = read_word(data, "bench.docx")
        times.append(time.perf_counter() - start)
    assert doc.error is None and doc.info is not None and doc.case_document is not None
    median = statistics.median(times)
    print(f"file {len(data) / 1024 / 1024:.2f} MB, {doc.case_document.characters} characters, "
          f"{len(doc.case_document.sections_found)} headings, {doc.case_document.images} images")
    print(f"read_word: median {median:.3f} s, min {min(times):.3f} s over {args.runs} runs "
          f"(target < {TARGET_SECONDS} s): {'OK' if median < TARGET_SECONDS else 'SLOW'}")
    return 0 if median < TARGET_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""Every Word file of ../shared/corpora/docx goes through read_word without an
uncaught exception, each in bounded time."""
from __future__ import annotations

from pathlib import Path

import pytest

from bench.sweep_docx import sweep, word_files

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"
DOCX_CORPUS = CORPORA / "docx"
PER_FILE_SECONDS = 20.0   # a LibreOffice conversion (Strict OOXML) included


@pytest.mark.corpora
@pytest.mark.skipif(not DOCX_CORPUS.is_dir(),
                    reason=f"corpus not present at {DOCX_CORPUS} (it sits beside the checkout in CI)")
def test_docx_corpus_sweep() -> None:
    # GIVEN every .docx/.docm/.dotx file of the shared corpus
    assert word_files(DOCX_CORPUS), "the corpus folder holds no Word files"
    # WHEN each is read
    result = sweep(DOCX_CORPUS, convert_timeout=PER_FILE_SECONDS)
    # THEN none raised, each was bounded in time, and the refusals are the
    # known-bad files (encrypted, truncated) rather than most of the corpus
    assert result.crashed == []
    assert result.slowest[0] < PER_FILE_SECONDS, result.slowest
    assert len(result.refused) <= result.files // 20, result.refused
    refused = dict(result.refused)
    assert any("密码" in why for why in refused.values())

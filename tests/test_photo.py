"""The photo check (contract §3): JPEG by bytes, ≤ 20 MiB, decodes fully."""
from __future__ import annotations

import io

import pytest
from PIL import Image

from builders.mail import image_bytes
from parsers.attachment import PHOTO
from parsers.kinds import sniff_kind
from parsers.photo import MAX_PHOTO_BYTES, photo_problem


def test_good_jpeg():
    assert photo_problem(image_bytes("JPEG")) is None


@pytest.mark.parametrize("fmt", ["PNG", "GIF", "BMP", "TIFF", "WEBP"])
def test_other_formats_are_not_jpg_whatever_the_name(fmt):
    # GIVEN a PNG (etc.) named .jpg THEN it is a photo by kind and not JPEG
    data = image_bytes(fmt)
    assert sniff_kind(data, "photo.jpg", "image/jpeg") == PHOTO
    assert photo_problem(data) == "photo_not_jpg"


def test_jpeg_named_gif_is_a_good_photo():
    data = image_bytes("JPEG")
    assert sniff_kind(data, "photo.gif", "image/gif") == PHOTO
    assert photo_problem(data) is None


def test_truncated_jpeg_is_corrupt():
    # GIVEN a JPEG cut in half: verify() passes, load() fails
    data = image_bytes("JPEG", (400, 300))
    cut = data[: len(data) // 2]
    Image.open(io.BytesIO(cut)).verify()
    assert photo_problem(cut) == "photo_corrupt"


def test_header_only_jpeg_is_corrupt():
    assert photo_problem(b"\xff\xd8\xff\xe0" + b"\x00" * 100) == "photo_corrupt"


def test_too_large(monkeypatch):
    # GIVEN a JPEG just over 20 MiB (padding after EOI) THEN too large
    data = image_bytes("JPEG")
    big = data + b"\x00" * (MAX_PHOTO_BYTES + 1 - len(data))
    assert photo_problem(big) == "photo_too_large"
    assert photo_problem(big[:MAX_PHOTO_BYTES]) is None


def test_decompression_bomb_is_refused():
    # GIVEN a tiny JPEG declaring 200 000 × 1 000 pixels THEN refused, no exception
    data = bytearray(image_bytes("JPEG", (16, 16)))
    sof = data.index(b"\xff\xc0")
    data[sof + 5:sof + 9] = (1000).to_bytes(2, "big") + (200000 % 65536).to_bytes(2, "big")
    data[sof + 5:sof + 7] = (60000).to_bytes(2, "big")
    data[sof + 7:sof + 9] = (60000).to_bytes(2, "big")
    assert photo_problem(bytes(data)) == "photo_corrupt"


def test_soi_with_garbled_next_marker_is_corrupt_not_other_format():
    # GIVEN FF D8 then a damaged marker (fuzzed camera file) THEN a broken JPEG
    assert photo_problem(b"\xff\xd8\xfe\xff\x00\x10JFIF" + bytes(100)) == "photo_corrupt"


def test_empty_and_garbage():
    assert photo_problem(b"") == "photo_not_jpg"
    assert photo_problem(b"<html>") == "photo_not_jpg"

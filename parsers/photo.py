"""The photo check (contract §3): JPEG by bytes, at most 20 MiB, and
decoding completely in Pillow.

`verify()` only walks the JPEG markers; a truncated or damaged entropy-coded
segment passes it. `load()` decodes every pixel, so only a full decode
proves the photo opens (the notice: 照片格式为 JPG，每张不超过 20M).
"""
from __future__ import annotations

import io
import warnings

from PIL import Image, ImageFile

MAX_PHOTO_BYTES = 20 * 1024 * 1024
# A 20 MiB JPEG can still declare a huge canvas (decompression bomb). 130 M
# pixels covers 108-megapixel phone cameras; above it the photo is refused
# (as corrupt) instead of allocating gigabytes. Pillow raises
# DecompressionBombError only above twice MAX_IMAGE_PIXELS, so the warning in
# between is turned into an error below.
MAX_PIXELS = 130_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

PHOTO_NOT_JPG, PHOTO_TOO_LARGE, PHOTO_CORRUPT = (
    "photo_not_jpg", "photo_too_large", "photo_corrupt")


def is_jpeg(data: bytes) -> bool:
    """JPEG by its bytes: the SOI marker (ITU T.81 B.1.1.3). A damaged file
    whose next marker is garbled (FF D8 FE …) is a broken JPEG — the sender
    must re-export it (corrupt), not convert it (not JPEG)."""
    return data[:2] == b"\xff\xd8"


def decodes_completely(data: bytes) -> bool:
    """True when Pillow decodes the whole image without error or bomb."""
    previous = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False   # a truncated file must fail
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")      # e.g. "malformed MPO": not our output
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as im:
                if im.width * im.height > MAX_PIXELS:
                    return False
                im.load()
        return True
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return False
    except Exception:  # Pillow raises OSError, SyntaxError, ValueError, …
        return False
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = previous


def photo_problem(data: bytes) -> str | None:
    """`photo_not_jpg`, `photo_too_large`, `photo_corrupt`, or None if good."""
    if not is_jpeg(data):
        return PHOTO_NOT_JPG
    if len(data) > MAX_PHOTO_BYTES:
        return PHOTO_TOO_LARGE
    if not decodes_completely(data):
        return PHOTO_CORRUPT
    return None

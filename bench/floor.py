"""The floor: the work an ingest cannot avoid, done the plainest way.

Fetch every message of the folder with BODY.PEEK[] in batches, parse it with
``email.message_from_bytes``, open each .docx with python-docx and read its
paragraphs and tables, decode each JPEG completely with Pillow. Nothing is
stored, judged or answered. Run as its own process (like ``intake poll``) so
its wall time and peak RSS are measured the same way:

    python -m bench.floor --host 127.0.0.1 --port 1143 --user u --password p
Prints one JSON line: messages, docx, photos, bytes.
"""
from __future__ import annotations

import argparse
import email
import email.message
import io
import json
import sys

import docx
from imapclient import IMAPClient
from PIL import Image

BATCH = 50            # the service's default mailbox.batch_size


def read_docx(data: bytes) -> int:
    """Opens a .docx and reads its text the way a form reader must."""
    document = docx.Document(io.BytesIO(data))
    chars = sum(len(p.text) for p in document.paragraphs)
    for table in document.tables:
        for row in table.rows:
            chars += sum(len(cell.text) for cell in row.cells)
    return chars


def decode_jpeg(data: bytes) -> None:
    with Image.open(io.BytesIO(data)) as im:
        im.load()


def consume(raw: bytes, counts: dict[str, int]) -> None:
    """Everything the floor does with one message."""
    msg = email.message_from_bytes(raw)
    counts["messages"] += 1
    counts["bytes"] += len(raw)
    for part in msg.walk():
        if part.is_multipart():
            continue
        name = (part.get_filename() or "").lower()
        if name.endswith(".docx"):
            read_docx(part.get_payload(decode=True))
            counts["docx"] += 1
        elif name.endswith((".jpg", ".jpeg")):
            decode_jpeg(part.get_payload(decode=True))
            counts["photos"] += 1


def run(host: str, port: int, user: str, password: str, folder: str, batch: int) -> dict[str, int]:
    counts = {"messages": 0, "docx": 0, "photos": 0, "bytes": 0}
    client = IMAPClient(host, port=port, ssl=False, timeout=120)
    client.login(user, password)
    client.select_folder(folder, readonly=True)
    uids = sorted(client.search("ALL"))
    for start in range(0, len(uids), batch):
        chunk = uids[start:start + batch]
        data = client.fetch(chunk, ["BODY.PEEK[]"])
        for uid in chunk:
            consume(data[uid][b"BODY[]"], counts)
        del data                      # one batch in memory at a time
    client.logout()
    return counts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--folder", default="INBOX")
    ap.add_argument("--batch", type=int, default=BATCH)
    args = ap.parse_args(argv)
    counts = run(args.host, args.port, args.user, args.password, args.folder, args.batch)
    json.dump(counts, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The JSON of `intake inspect` (contract §5), built from an Assessment."""
from __future__ import annotations

from dataclasses import asdict
from typing import Any

from intake.assess import Assessment, assess
from intake.config import CampaignConfig
from rules.judge import IGNORED


def inspect_message(raw: bytes, campaign: CampaignConfig) -> dict[str, Any]:
    """Reads one raw message offline: no database, mailbox or SMTP server."""
    return to_json(assess(raw, campaign))


def to_json(found: Assessment) -> dict[str, Any]:
    msg, verdict = found.parsed, found.judgement
    return {
        "message_id": msg.message_id,
        "from": {"name": msg.from_name, "address": msg.from_address},
        "date": msg.date.isoformat() if msg.date else None,
        "subject": msg.subject,
        "case_name_from_subject": verdict.case_name_from_subject,
        "decision": verdict.decision,
        "ignore_reason": verdict.ignore_reason,
        # Contract §3: ignored messages carry no problems.
        "problems": [] if verdict.decision == IGNORED else [_problem(p) for p in verdict.problems],
        "attachments": [_attachment(a) for a in msg.attachments],
        "info": verdict.info,
        "case_document": asdict(verdict.case_document) if verdict.case_document else None,
    }


def _problem(p) -> dict[str, Any]:
    return {"code": p.code, "severity": p.severity, "field": p.field, "file": p.file,
            "message": p.message}


def _attachment(a) -> dict[str, Any]:
    return {"filename": a.filename, "kind": a.kind, "content_type": a.content_type,
            "size": a.size, "sha256": a.sha256, "from_archive": a.from_archive}

"""The `intake` command: a thin layer over the functions the scheduler calls.

Errors of ours (IntakeError) become one line on stderr here and nowhere
else: exit 2 for a configuration problem, 1 for anything else.
"""
from __future__ import annotations

import json
import logging
import sys
from datetime import datetime, timezone
from pathlib import Path

from typing import TYPE_CHECKING

import click

from intake import config as config_mod
from intake.errors import IntakeError, for_the_user
from intake.storage import atomic_write
from intake.table import render

if TYPE_CHECKING:   # imported where used: an idle `intake poll` never loads SQLAlchemy
    from db.models import Message
    from intake.app import App


class Context:
    """What every command gets: the config path, read on first use."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._config: config_mod.Config | None = None

    @property
    def config(self) -> config_mod.Config:
        if self._config is None:
            self._config = config_mod.load(self.path)
        return self._config

    def app(self) -> App:
        from intake.app import App
        return App.from_config(self.config)


pass_ctx = click.make_pass_decorator(Context)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_path", type=click.Path(path_type=Path), envvar="INTAKE_CONFIG",
              help="Config file (default: $INTAKE_CONFIG, else ./config.yaml).")
@click.option("-v", "--verbose", is_flag=True, help="Log what is done, step by step.")
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None, verbose: bool) -> None:
    """Runs the mailbox of the 碳排放管理案例征集 call for cases.

    \b
    Example:
      intake --config config.yaml poll
    """
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    ctx.obj = Context(config_path)


@cli.command()
@pass_ctx
def poll(ctx: Context) -> None:
    """Reads new mail once, judges it, stores it and sends the replies.

    \b
    Example:
      intake poll
      → maildir:…/examples/mailbox: 6 new (3 accepted, 1 rejected, …)
    """
    # An idle poll never gets here: intake.launch answered it already.
    from intake.pipeline import poll as run_poll
    app = ctx.app()
    try:
        click.echo(run_poll(app).line())
    finally:
        app.close()


@cli.command()
@pass_ctx
def run(ctx: Context) -> None:
    """Runs the service: polls every `schedule.poll_every_minutes`, sends the
    staff digest daily at `schedule.digest_at`; stops cleanly on Ctrl-C or SIGTERM.

    \b
    Example:
      INTAKE_IMAP_PASSWORD=… intake --config /etc/intake.yaml run
    """
    from intake.scheduler import run_forever
    app = ctx.app()
    try:
        run_forever(app)
    finally:
        app.close()


@cli.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the contract's JSON object.")
@pass_ctx
def inspect(ctx: Context, file: Path, as_json: bool) -> None:
    """Judges one raw message offline (no database, mailbox or reply).

    \b
    Example:
      intake inspect examples/samples/accepted.eml --json
    """
    from intake.inspect import inspect_message
    try:
        raw = file.read_bytes()
    except OSError as e:
        raise IntakeError(f"cannot read {file}: {e.strerror or e}") from e
    found = inspect_message(raw, ctx.config.campaign)
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    click.echo(f"{found['decision']}  {found['subject']}")
    for p in found["problems"]:
        click.echo(f"  [{p['severity']}] {p['code']}: {p['message']}")
    for a in found["attachments"]:
        click.echo(f"  file: {a['filename']} ({a['kind']}, {a['size']} bytes)")


@cli.command(name="list")
@click.option("--decision", type=click.Choice(["accepted", "rejected", "review", "ignored"]),
              help="Only messages with this decision.")
@pass_ctx
def list_(ctx: Context, decision: str | None) -> None:
    """Lists the messages received, newest last.

    \b
    Example:
      intake list --decision rejected
    """
    app = ctx.app()
    try:
        with app.sessions() as session:
            from sqlalchemy import select

            from db.models import Message
            query = select(Message).order_by(Message.id)
            if decision:
                query = query.where(Message.decision == decision)
            rows = [_list_row(m, app.config.campaign.tz) for m in session.scalars(query)]
    finally:
        app.close()
    headers = ["ID", "收到时间", "结果", "收件编号", "发件人", "案例名称", "问题"]
    click.echo(render(headers, rows) if rows else "no messages yet")


def _list_row(m: Message, tz) -> list[str]:
    when = m.received_at or m.stored_at
    name = (m.info or {}).get("case_name") or m.case_name_from_subject or m.subject or ""
    problems = ",".join(p.code for p in m.problems) or (m.ignore_reason or "")
    return [str(m.id), when.astimezone(tz).strftime("%m-%d %H:%M"),
            m.decision or m.state, m.receipt or "", m.from_address or "", name,
            m.error if m.state == "failed" else problems]


@cli.command()
@click.option("--print", "to_print", is_flag=True, help="Print the text part (the default).")
@click.option("--send", is_flag=True, help="Send it to digest.recipients now.")
@click.option("--html", "html_file", type=click.Path(path_type=Path),
              help="Also write the HTML part to this file (to look at it in a browser).")
@pass_ctx
def digest(ctx: Context, to_print: bool, send: bool, html_file: Path | None) -> None:
    """The staff's daily digest of the last 24 hours, on demand.

    \b
    Example:
      intake digest --print
      intake digest --send          # to digest.recipients, XLSX attached
    """
    from intake import digest as digest_mod
    app = ctx.app()
    try:
        if send:
            count = digest_mod.send_digest(app)
            click.echo(f"digest queued for {count} recipient(s) and sent where possible")
        text, html, _ = digest_mod.render(app, datetime.now(timezone.utc))
        if html_file:
            atomic_write(html_file, html.encode("utf-8"))
        if to_print or not (send or html_file):
            click.echo(text)
    finally:
        app.close()


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv", "json"]), default="xlsx",
              show_default=True, help="File format of -o.")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Write one row per submission (its latest version) to this file.")
@click.option("--files", "files_dir", type=click.Path(path_type=Path),
              help="Lay out the accepted cases in this folder, by 案例类型.")
@pass_ctx
def export(ctx: Context, fmt: str, output: Path | None, files_dir: Path | None) -> None:
    """Exports the submissions for the staff (-o) or the editors (--files).

    \b
    Example:
      intake export --format xlsx -o 案例汇总.xlsx
      intake export --files 案例材料/
    """
    from intake.casefiles import export_files
    from intake.export import export as export_rows
    if not output and not files_dir:
        raise click.UsageError("give -o FILE, --files DIR, or both")
    app = ctx.app()
    try:
        if output:
            click.echo(f"{export_rows(app, fmt, output)} rows written to {output}")
        if files_dir:
            click.echo(f"{export_files(app, files_dir)} accepted cases laid out in {files_dir}")
    finally:
        app.close()


@cli.command()
@click.argument("ref")
@pass_ctx
def show(ctx: Context, ref: str) -> None:
    """Everything about one message (by receipt or ID) and its case's history.

    \b
    Example:
      intake show CASE-2022-0003
      intake show 17
    """
    from intake.show import show as show_text
    app = ctx.app()
    try:
        click.echo(show_text(app, ref), nl=False)
    finally:
        app.close()


@cli.command()
@click.argument("ids", nargs=-1, type=int)
@click.option("--all", "every", is_flag=True, help="Every message in the database.")
@click.option("--reply", is_flag=True, help="Queue and send a new reply for each (default: none).")
@pass_ctx
def reprocess(ctx: Context, ids: tuple[int, ...], every: bool, reply: bool) -> None:
    """Judges stored messages again from their raw bytes (after a parser fix).

    \b
    Example:
      intake reprocess 12 15
      intake reprocess --all
    """
    from intake.mend import reprocess as run_reprocess
    app = ctx.app()
    try:
        for outcome in run_reprocess(app, list(ids), every, reply):
            click.echo(outcome.line())
    finally:
        app.close()


@cli.command()
@click.argument("ref")
@pass_ctx
def resend(ctx: Context, ref: str) -> None:
    """Sends the last reply to one message (by ID or receipt) again, as a new mail.

    \b
    Example:
      intake resend CASE-2022-0003
    """
    from intake.mend import resend as run_resend
    app = ctx.app()
    try:
        reply = run_resend(app, ref)
        click.echo(f"reply {reply.message_id} to {reply.to_address}: {reply.state}"
                   + (f" ({reply.last_error})" if reply.last_error else ""))
    finally:
        app.close()


def main() -> None:
    try:
        # standalone_mode=False so that our errors reach the handlers below;
        # click then returns the exit code of --help and the like.
        code = cli.main(standalone_mode=False)
        sys.exit(code if isinstance(code, int) else 0)
    except click.exceptions.Abort:
        sys.exit(130)
    except click.ClickException as e:
        e.show()
        sys.exit(e.exit_code)
    except IntakeError as e:
        text, status = for_the_user(e)
        click.echo(text, err=True)
        sys.exit(status)

"""The `intake` executable (and `python -m intake`).

A cron job's `intake poll` that finds nothing new should cost next to
nothing, yet click, SQLAlchemy, imapclient and the parsers take ~0.4 s to
import. So the plain `intake [--config FILE] poll` is first offered to the
idle check (intake.idle), which loads none of them; anything else, and any
poll with work to do, goes to the click command line (intake.cli).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path


def main() -> None:
    request = idle_poll_request(sys.argv[1:])
    if request is not None:
        _try_idle(request[0])
    from intake.cli import main as command_line
    command_line()


def idle_poll_request(args: list[str]) -> tuple[Path | None] | None:
    """(the config path, or None for the default) when `args` is exactly a
    poll with at most --config; None for every other command line, which
    click parses (-v, --help, a misspelling…)."""
    if args[-1:] != ["poll"]:
        return None
    options = args[:-1]
    if not options:
        return (None,)
    if len(options) == 2 and options[0] == "--config" and options[1]:
        return (Path(options[1]),)
    if len(options) == 1 and options[0].startswith("--config=") and len(options[0]) > 9:
        return (Path(options[0][9:]),)
    return None


def _try_idle(path: Path | None) -> None:
    """Exits with the idle summary, or with the error the full poll would
    give; returns when the full poll has to run."""
    from intake import config
    from intake.errors import ConfigError, IntakeError, for_the_user
    from intake.idle import nothing_to_do
    try:
        summary = nothing_to_do(config.load(path))
    except ConfigError:
        return                      # the command line reports it, with its own context
    except IntakeError as e:
        text, status = for_the_user(e)
        print(text, file=sys.stderr)
        sys.exit(status)
    except Exception:               # noqa: BLE001 - a shortcut's bug must not stop the poll
        return
    if summary is not None:
        print(summary.line(), flush=True)
        sys.stderr.flush()
        # Done, with nothing open and nothing registered to run at exit:
        # skip the interpreter's teardown of every module (~10 ms).
        os._exit(0)

"""The one exception hierarchy of case-intake.

Third-party errors are wrapped (``raise XError(...) from e``) where they
cross into our code; they become user-facing text only at the edges: the CLI
and the reply templates.
"""


class IntakeError(Exception):
    """Base of every error case-intake raises on purpose."""


class ConfigError(IntakeError):
    """The configuration file or environment is wrong; the message names what."""


class StorageError(IntakeError):
    """A raw message or file could not be written to or read from storage."""


class MailboxError(IntakeError):
    """The mailbox (IMAP server or Maildir) could not be read."""


class LoginError(MailboxError):
    """The IMAP server refused the login; the message says what to do."""


class SendError(IntakeError):
    """A reply could not be handed to the SMTP server or the outbox folder."""


class WordError(IntakeError):
    """A Word file could not be read (corrupt, encrypted, not convertible)."""


def for_the_user(error: IntakeError) -> tuple[str, int]:
    """The one line on stderr and the exit status a command gives for an
    error of ours: 2 for a configuration problem, 1 for anything else."""
    if isinstance(error, ConfigError):
        return f"intake: config: {error}", 2
    return f"intake: {error}", 1

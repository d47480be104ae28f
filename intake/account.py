"""The IMAP account as both of its readers see it: the full reader
(intake.mailbox, imapclient) and the idle check (intake.idle, over
intake.imaplite). What they must agree on lives here, importing nothing heavy:
the folder's key in the database, the ID sent after login, the TLS context,
and the words for a server that cannot be reached or refuses the login.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from intake.config import MailboxConfig

if TYPE_CHECKING:
    import ssl

# RFC 2971. 163.com answers SELECT with "NO Unsafe Login" unless the client
# sent ID after logging in.
ID_PARAMS = {"name": "case-intake", "version": "0.1", "vendor": "case-intake"}


def imap_key(config: MailboxConfig) -> str:
    """How the database names an IMAP folder (sync state, sightings)."""
    return f"imap:{config.username}@{config.host}:{config.port}/{config.folder}"


def tls_context(config: MailboxConfig) -> ssl.SSLContext | None:
    """The context for implicit TLS (IMAPS), or None for a plain connection,
    which config.py allows only to a loopback host."""
    if not config.tls:
        return None
    import ssl                      # 10 ms of imports a plain loopback poll does not need
    context = ssl.create_default_context()
    if not config.verify_tls:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def unreachable(config: MailboxConfig, error: Exception) -> str:
    return f"cannot connect to IMAP server {config.host}:{config.port}: {error}"


def login_failed(config: MailboxConfig, error: Exception) -> str:
    return f"IMAP login to {config.host} failed: {error}"


def login_advice(host: str, detail: str) -> str:
    """What to do about a refused login, for the staff reading the log."""
    if "unsafe login" in detail.lower():
        return ("163 refused the session as \"Unsafe Login\": enable IMAP/SMTP in the "
                "163 web mail settings and use the client authorization code "
                f"(客户端授权码) as the password. Server said: {detail}")
    if "qq.com" in host:
        return ("QQ mail refused the login: QQ needs the authorization code (授权码) from "
                f"设置 → 账户 → POP3/IMAP, not the QQ password. Server said: {detail}")
    return f"IMAP server {host} refused the login (check username and password): {detail}"

"""The idle check's small IMAP client: quoting (RFC 3501 §4.3), literals in
answers, and a server that hangs up. Against a scripted server here; against
a real Dovecot in test_idle.py."""
from __future__ import annotations

import socket
import threading

import pytest

from intake.config import MailboxConfig
from intake.imaplite import Connection, quoted, response_code, untagged_words


class Scripted:
    """A one-connection server on loopback that answers each command line
    it receives with the next canned answer (`{tag}` filled in)."""

    def __init__(self, greeting: bytes, answers: list[bytes]) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.received: list[bytes] = []
        self._thread = threading.Thread(target=self._serve, args=(greeting, answers), daemon=True)
        self._thread.start()

    def _serve(self, greeting: bytes, answers: list[bytes]) -> None:
        conn, _ = self.listener.accept()
        with conn, conn.makefile("rb") as lines:
            conn.sendall(greeting)
            for answer in answers:
                line = lines.readline()
                if not line:
                    return
                self.received.append(line)
                conn.sendall(answer.replace(b"{tag}", line.split(b" ")[0]))

    def config(self) -> MailboxConfig:
        return MailboxConfig(kind="imap", host="127.0.0.1", port=self.port, tls=False, timeout=5)


def test_quoted_strings_escape_quote_and_backslash_and_refuse_the_rest():
    assert quoted('a"b\\c d') == '"a\\"b\\\\c d"'
    assert quoted("plain") == '"plain"'
    for needs_a_literal in ("line\r\nbreak", "nul\0", "密码"):
        assert quoted(needs_a_literal) is None


def test_literals_in_an_answer_are_read_whole():
    # GIVEN a server whose ID answer carries a literal with a CRLF inside it
    server = Scripted(b"* OK ready\r\n", [
        b'* ID ("name" {7}\r\nDo\r\ncot "x" "y")\r\n{tag} OK ID completed\r\n'])
    imap = Connection(server.config())
    # WHEN the command is answered
    reply = imap.command('ID ("name" "case-intake")')
    # THEN the literal is part of its line, and the tagged status follows it
    assert reply.ok and reply.untagged == [b'* ID ("name" Do\r\ncot "x" "y")\r\n']
    assert server.received == [b'c1 ID ("name" "case-intake")\r\n']
    imap.close()


def test_response_codes_and_search_results_are_read():
    server = Scripted(b"* OK ready\r\n", [
        b"* 3 EXISTS\r\n* OK [UIDVALIDITY 1700000001] UIDs valid\r\n"
        b"* OK [UIDNEXT 12] Predicted next UID\r\n{tag} OK [READ-ONLY] Examine completed\r\n",
        b"* SEARCH 9 11\r\n{tag} OK Search completed\r\n",
        b"* SEARCH\r\n{tag} OK Search completed\r\n"])
    imap = Connection(server.config())
    examined = imap.command("EXAMINE INBOX")
    assert response_code(examined, b"UIDVALIDITY") == b"1700000001"
    assert untagged_words(imap.command("UID SEARCH UID 10:*"), b"SEARCH") == [b"9", b"11"]
    assert untagged_words(imap.command("UID SEARCH UID 12:*"), b"SEARCH") == []
    imap.close()


def test_a_refusal_is_a_status_not_an_exception():
    server = Scripted(b"* OK ready\r\n", [b"{tag} NO [AUTHENTICATIONFAILED] Authentication failed.\r\n"])
    imap = Connection(server.config())
    reply = imap.command('LOGIN "u" "p"')
    assert reply.status == "NO" and reply.text == "[AUTHENTICATIONFAILED] Authentication failed."
    imap.close()


@pytest.mark.parametrize("answer", [b"* BYE shutting down\r\n", b"* 1 EXISTS\r\n", b""])
def test_a_server_that_hangs_up_is_a_connection_error(answer):
    server = Scripted(b"* OK ready\r\n", [answer])
    imap = Connection(server.config())
    with pytest.raises(ConnectionError):
        imap.command("NOOP")
    imap.close()


def test_a_server_that_greets_with_bye_is_refused():
    server = Scripted(b"* BYE too many connections\r\n", [])
    with pytest.raises(ConnectionError, match="unexpected greeting"):
        Connection(server.config())


def test_a_preauthenticated_connection_is_marked():
    # RFC 3501 §7.1.4: no LOGIN is needed (or allowed) after "* PREAUTH".
    server = Scripted(b"* PREAUTH IMAP4rev1 logged in as intake\r\n", [])
    imap = Connection(server.config())
    assert imap.preauthenticated
    imap.close()
    plain = Connection(Scripted(b"* OK ready\r\n", []).config())
    assert not plain.preauthenticated
    plain.close()

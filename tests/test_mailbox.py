"""What the staff read when a mail server refuses the login."""
from __future__ import annotations

from intake.account import login_advice


def test_163_unsafe_login_is_explained():
    text = login_advice("imap.163.com", "SELECT Unsafe Login. Please contact kefu@188.com for help")
    assert "Unsafe Login" in text and "客户端授权码" in text and "IMAP/SMTP" in text


def test_qq_login_failure_asks_for_the_authorization_code():
    text = login_advice("imap.qq.com", "b'Login fail. Password is incorrect or service is not open.'")
    assert "授权码" in text and "not the QQ password" in text


def test_other_servers_get_the_plain_reason():
    text = login_advice("mail.example.com", "AUTHENTICATIONFAILED")
    assert "refused the login" in text and "AUTHENTICATIONFAILED" in text


def test_fetch_batches_are_bounded_by_count_and_bytes():
    from intake.mailbox import size_batches
    sizes = {1: 5, 2: 5, 3: 30, 4: 5, 5: 5, 6: 5, 7: 5}
    # at most 3 messages and 12 bytes per batch; an oversized message goes alone
    assert size_batches(list(sizes), sizes, 3, 12) == [[1, 2], [3], [4, 5], [6, 7]]
    assert size_batches([], {}, 3, 12) == []

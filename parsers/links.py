"""Large-attachment (超大附件 / 文件中转站 / cloud attachment) download links
in a message body (contract §3 `large_attachment_link`).

A webmail that cannot attach a big file puts a download link into the body
instead; the files are then not in the mail and staff fetch them by hand.
Matched conservatively, by host *and* path, so an ordinary link (a company
homepage, the 163 login page, a QQ share button) is never taken for one.
Forms seen in real mail:

* NetEase 163 / 126 / yeah.net:
  ``https://mail.163.com/large-attachment-download/index.html?p=X-NETEASE-HUGE-ATTACHMENT&file=…``,
  ``https://dashi.163.com/html/cloud-attachment-download/…`` (邮箱大师),
  ``http://fs.mail.163.com/fs/display/?p=X-NETEASE-HUGE-ATTACHMENT&file=…`` (older)
* QQ mail / Tencent exmail 文件中转站:
  ``https://wx.mail.qq.com/ftn/download?func=3&key=…&code=…`` (also ``iwx.``),
  ``http://mail.qq.com/cgi-bin/ftnExs_download?k=…&t=exs_ftn_download&code=…``
* Outlook cloud attachments: ``https://1drv.ms/w/s!…``,
  ``https://onedrive.live.com/…?resid=…``, ``https://x-my.sharepoint.com/:w:/g/personal/…``
"""
from __future__ import annotations

import html as htmllib
import re

_URL = re.compile(r"https?://[^\s\"'<>()\[\]{}，。；、）（】【]+", re.IGNORECASE)
_NETEASE = r"(?:mail\.)?(?:163|126|yeah)\.(?:com|net)"
_PATTERNS = [re.compile(p, re.IGNORECASE) for p in (
    r"^https?://(?:mail|webmail)\.(?:163|126)\.com/large-attachment-download/",
    r"^https?://mail\.yeah\.net/large-attachment-download/",
    r"^https?://dashi\.163\.com/html/cloud-attachment-download",
    rf"^https?://fs\.{_NETEASE}/fs/display/?\?",
    r"^https?://i?wx\.mail\.qq\.com/ftn/download\?",
    r"^https?://(?:[a-z0-9-]+\.)?(?:mail|exmail)\.qq\.com/cgi-bin/ftnExs_download\?",
    r"^https?://1drv\.ms/[a-z]/",
    r"^https?://onedrive\.live\.com/(?:redir|download|view\.aspx|embed)?\S*[?&](?:resid|cid)=",
    r"^https?://[a-z0-9-]+-my\.sharepoint\.com/:[a-z]:/",
)]
_TRAILING = ".,;:!?'\""


def _urls(text: str) -> list[str]:
    """URLs in text (also in HTML attributes, once entities are undone)."""
    found = []
    for match in _URL.finditer(htmllib.unescape(text)):
        found.append(match.group(0).rstrip(_TRAILING))
    return found


def is_large_attachment_link(url: str) -> bool:
    return any(p.match(url) for p in _PATTERNS)


def find_large_attachment_links(text: str, html: str) -> list[str]:
    """Distinct large-attachment download links, in order of appearance."""
    links: list[str] = []
    for url in _urls(text or "") + _urls(html or ""):
        if is_large_attachment_link(url) and url not in links:
            links.append(url)
    return links

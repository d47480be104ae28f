"""Large-attachment download links (contract §3 `large_attachment_link`)."""
from __future__ import annotations

import pytest

from parsers.links import find_large_attachment_links

LINKS = [
    "https://mail.163.com/large-attachment-download/index.html?p=X-NETEASE-HUGE-ATTACHMENT&file=djAyZG1&title=案例",
    "https://mail.126.com/large-attachment-download/index.html?p=X-NETEASE-HUGE-ATTACHMENT&file=abc",
    "https://mail.yeah.net/large-attachment-download/index.html?file=abc",
    "https://dashi.163.com/html/cloud-attachment-download/index.html?key=abc",
    "http://fs.mail.163.com/fs/display/?p=X-NETEASE-HUGE-ATTACHMENT&file=abc",
    "https://wx.mail.qq.com/ftn/download?func=3&key=9d99e661&code=1a2b",
    "https://iwx.mail.qq.com/ftn/download?func=3&key=c7cc0d63&code=3c",
    "http://mail.qq.com/cgi-bin/ftnExs_download?k=2b6161633e4e&t=exs_ftn_download&code=eaac8a28",
    "https://exmail.qq.com/cgi-bin/ftnExs_download?k=abc&t=exs_ftn_download&code=1",
    "https://1drv.ms/w/s!AkQ2aB3cDeFgh",
    "https://onedrive.live.com/redir?resid=ABC123!105&authkey=!xyz",
    "https://contoso-my.sharepoint.com/:w:/g/personal/zhang_contoso_com/EabcDEF",
]


@pytest.mark.parametrize("url", LINKS)
def test_found_in_text(url):
    # GIVEN the link in a sentence with Chinese punctuation after it THEN found
    assert find_large_attachment_links(f"超大附件：{url}，请下载。", "") == [url]


@pytest.mark.parametrize("url", [
    "https://mail.163.com/", "https://mail.qq.com/cgi-bin/frame_html?sid=x",
    "https://www.163.com/news/article/ABC.html", "https://wx.mail.qq.com/home",
    "https://onedrive.live.com/about/zh-cn/", "https://www.example.com/download?file=a.docx",
    "https://pan.baidu.com/s/1abc", "http://www.chinawuliu.com.cn/",
])
def test_ordinary_links_are_not(url):
    # GIVEN ordinary links (home pages, news, other clouds) THEN none
    assert find_large_attachment_links(url, f'<a href="{url}">x</a>') == []


def test_html_entities_and_duplicates():
    html = ('<a href="https://wx.mail.qq.com/ftn/download?func=3&amp;key=k&amp;code=c">a.docx</a>'
            ' https://wx.mail.qq.com/ftn/download?func=3&amp;key=k&amp;code=c')
    assert find_large_attachment_links("", html) == [
        "https://wx.mail.qq.com/ftn/download?func=3&key=k&code=c"]

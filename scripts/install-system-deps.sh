#!/bin/sh
# Installs the Debian packages the tests start or call, only when missing:
# Dovecot (the real IMAP server of the integration tests) and LibreOffice
# (converts .doc / .wps submissions to .docx).
set -e
need=""
command -v dovecot >/dev/null 2>&1 || [ -x /usr/sbin/dovecot ] || need="$need dovecot-imapd"
command -v soffice >/dev/null 2>&1 || need="$need libreoffice-writer-nogui"
[ -z "$need" ] && exit 0
if [ "$(id -u)" != 0 ]; then
    echo "missing system packages:$need (run as root, or: sudo apt-get install$need)" >&2
    exit 1
fi
echo "installing:$need"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null

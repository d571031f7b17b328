#!/usr/bin/env bash
# Make sure the system programs the test suite drives are here: Chromium (browser tests),
# Dovecot (the real IMAP server of the mail tests), PgBouncer (tests/crm/test_pgbouncer.py),
# Redis (the shared cache of the two-server test) and gettext (compilemessages). As root
# with apt-get, missing ones are installed; otherwise this stops, before any test runs,
# with one line naming what to install. Called by `make test` (and so by CI).
set -euo pipefail

missing=()  # Debian package names
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || missing+=(chromium)
command -v dovecot >/dev/null 2>&1 || missing+=(dovecot-core dovecot-imapd)
command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)
command -v pgbouncer >/dev/null 2>&1 || [ -x /usr/sbin/pgbouncer ] || missing+=(pgbouncer)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing what the tests need: ${missing[*]} (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exit 0
fi
echo "The tests need ${missing[*]}: install them (Debian/Ubuntu: sudo apt-get install ${missing[*]}) and run 'make test' again." >&2
exit 1

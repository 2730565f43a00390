#!/usr/bin/env bash
# Installs the Debian packages the test harness needs. Idempotent: does nothing (not even
# `apt-get update`) when every package is already installed.
#
#   chromium            headless browser for Playwright (used via executablePath, never downloaded)
#   fonts-dejavu-core   fonts with umlauts for rendered pages and PDFs
#   fonts-liberation    metric-compatible Arial/Times/Courier so layouts match real browsers
#   slapd, ldap-utils   OpenLDAP server + ldapadd/ldapsearch; tests run their own slapd
#                       unprivileged on a free loopback port (e2e/services/ldap.ts)
#   poppler-utils       pdftotext/pdfinfo to read generated PDFs back in tests
#   fonts-wqy-microhei  CJK glyphs for the e2x-exam-sheets peer (WeasyPrint uses system fonts);
#                       the portal's own sheets embed the copy in lib/exams/fonts
#   openssl             throw-away CA and server certificate for the LDAP TLS tests
#   haproxy             the load balancer in front of the hubs' proxies: the room-restriction test
#                       runs the rendered haproxy.cfg on loopback (never as a system service)
#   libpq-dev           pg_config, to build psycopg2 from the Z2JH hub image's frozen list
#
# slapd's postinst would start a system-wide slapd on port 389. We block that with a
# temporary policy-rc.d (exit 101 = "action forbidden") and disable the init script, so
# nothing keeps running that could interfere with the test servers.
set -euo pipefail

PACKAGES=(chromium fonts-dejavu-core fonts-liberation fonts-wqy-microhei slapd ldap-utils poppler-utils openssl haproxy libpq-dev)

installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

missing=()
for pkg in "${PACKAGES[@]}"; do
  installed "$pkg" || missing+=("$pkg")
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "apt: all packages present (${PACKAGES[*]})"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "apt: missing ${missing[*]} and not root (no sudo available)" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive

# Keep maintainer scripts from starting daemons while we install.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
  $SUDO chmod 755 "$policy"
  created_policy=1
fi
cleanup() {
  if [ "$created_policy" -eq 1 ]; then $SUDO rm -f "$policy"; fi
}
trap cleanup EXIT

echo "apt: installing ${missing[*]}"
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
  "${missing[@]}"

# The system slapd is never wanted here: disable its init script and stop it if a
# postinst managed to start it anyway (pid file written by Debian's init script).
if installed slapd; then
  if command -v update-rc.d >/dev/null 2>&1 && [ -e /etc/init.d/slapd ]; then
    $SUDO update-rc.d slapd disable >/dev/null 2>&1 || true
  fi
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    $SUDO systemctl disable --now slapd >/dev/null 2>&1 || true
  fi
  pidfile=/run/slapd/slapd.pid
  if [ -s "$pidfile" ]; then
    pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
      echo "apt: stopping system slapd (pid $pid)"
      $SUDO kill "$pid" || true
    fi
  fi
fi

# Nor a system haproxy: tests start their own from a temp config.
if installed haproxy; then
  if command -v update-rc.d >/dev/null 2>&1 && [ -e /etc/init.d/haproxy ]; then
    $SUDO update-rc.d haproxy disable >/dev/null 2>&1 || true
  fi
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    $SUDO systemctl disable --now haproxy >/dev/null 2>&1 || true
  fi
fi

echo "apt: done"

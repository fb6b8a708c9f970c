#!/bin/sh
# Installs every Debian package mqttbed needs (scripts/apt-packages.txt); skips apt when
# all are present already. Then installs the broker matrix's aedes (npm ci, pinned by
# tests/live/brokers/aedes/package-lock.json) unless that exact lock is installed already.
# Needs root (or sudo).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo

packages=$(grep -v '^#' "$here/apt-packages.txt" | tr '\n' ' ')
# Names that an installed package provides count as present (e.g. a nodejs build that
# bundles npm provides "npm", and Debian's npm package would conflict with it).
provided=$(dpkg-query -W -f='${db:Status-Abbrev}|${Provides}\n' 2>/dev/null |
  sed -n 's/^ii *|//p' | tr ',' '\n' | sed 's/^ *//; s/ .*//' | sort -u)
missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" && continue
  printf '%s\n' "$provided" | grep -qx "$p" && continue
  missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "installing:$missing"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
  # rabbitmq-server is here for the broker matrix only, which starts private nodes on free
  # ports: do not leave the Debian service it may have started running (where systemd runs).
  case " $missing " in
    *" rabbitmq-server "*)
      if [ -d /run/systemd/system ]; then
        $SUDO systemctl disable --now rabbitmq-server >/dev/null 2>&1 || true
      fi ;;
  esac
fi

# aedes for the broker matrix: reinstall only when the lock file changed since the last install.
aedes="$root/tests/live/brokers/aedes"
if ! cmp -s "$aedes/package-lock.json" "$aedes/node_modules/.mqttbed-installed-lock" 2>/dev/null; then
  echo "installing aedes (npm ci in tests/live/brokers/aedes)"
  (cd "$aedes" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$aedes/package-lock.json" "$aedes/node_modules/.mqttbed-installed-lock"
fi

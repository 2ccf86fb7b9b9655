#!/usr/bin/env bash
# A local Label Studio for claimnlp: its own venv, bound to 127.0.0.1, data under the project,
# an admin user and a personal access token (PAT) in a 0600 file. Never prints the token.
#
#   bash scripts/label-studio.sh install | up | status | down [--purge]
#
# Settings (environment): LS_HOME (default .labelstudio: data, token, logs), LS_VENV (default
# $LS_HOME/venv), LS_PORT (8080), LS_EMAIL (admin@claimnlp.local), LS_VERSION (1.23.2).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
LS_HOME=${LS_HOME:-.labelstudio}
LS_VENV=${LS_VENV:-$LS_HOME/venv}
LS_PORT=${LS_PORT:-8080}
LS_EMAIL=${LS_EMAIL:-admin@claimnlp.local}
LS_VERSION=${LS_VERSION:-1.23.2}
PY=${PYTHON:-$ROOT/.venv/bin/python}
URL="http://127.0.0.1:$LS_PORT"
PIDFILE=$LS_HOME/server.pid
umask 077

say() { echo "label-studio: $*" >&2; }
running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }
healthy() { curl -fsS -m 3 "$URL/health" >/dev/null 2>&1; }

install() {
  # Its dependencies (Django, pinned pydantic, ...) clash with ours: it lives in a venv of its own.
  if [ ! -x "$LS_VENV/bin/label-studio" ]; then
    say "installing label-studio==$LS_VERSION into $LS_VENV"
    python3.11 -m venv "$LS_VENV" 2>/dev/null || python3 -m venv "$LS_VENV"
    "$LS_VENV/bin/python" -m pip install -q --upgrade pip
    "$LS_VENV/bin/python" -m pip install -q "label-studio==$LS_VERSION"
  fi
}

secret() {  # 0600 files made once: a stable SECRET_KEY keeps PATs valid across restarts
  local f=$1
  [ -s "$f" ] || "$PY" -c 'import secrets; print(secrets.token_urlsafe(32))' > "$f"
  cat "$f"
}

settings() {  # LS's own settings, but Django's log lines reach the log once (not again through the root logger)
  mkdir -p "$LS_HOME/settings"
  cat > "$LS_HOME/settings/claimnlp_ls_settings.py" <<'PY'
# LS imports its base settings as core.settings.base; SENTRY_DSN is read while the import below runs.
from core.settings.base import *  # noqa: F403

SENTRY_DSN = ""
LOGGING["loggers"]["django"]["propagate"] = False  # noqa: F405
from label_studio.core.settings.label_studio import *  # noqa: E402,F403
PY
}

up() {
  install
  mkdir -p "$LS_HOME/data"
  if running && healthy; then
    say "already up at $URL (pid $(cat "$PIDFILE"))"
  else
    local password key
    password=$(secret "$LS_HOME/admin-password")
    key=$(secret "$LS_HOME/secret-key")
    settings
    say "starting at $URL (data in $LS_HOME/data, log appended to $LS_HOME/server.log)"
    echo "==== label-studio.sh up: $(date -u '+%Y-%m-%dT%H:%M:%SZ') ====" >> "$LS_HOME/server.log"
    # The ML backend and its webhook run on loopback too, which LS refuses by default (SSRF guard):
    # this server is bound to 127.0.0.1 for one team, so local URLs are allowed. Nothing leaves the
    # machine: no version check, no analytics, no error reports (empty Sentry DSNs turn Sentry off).
    SECRET_KEY=$key LATEST_VERSION_CHECK=false ML_BLOCK_LOCAL_IP=false SSRF_PROTECTION_ENABLED=false \
      COLLECT_ANALYTICS=false SENTRY_DSN= FRONTEND_SENTRY_DSN= \
      PYTHONPATH="$(cd "$LS_HOME" && pwd)/settings" DJANGO_SETTINGS_MODULE=claimnlp_ls_settings \
      LABEL_STUDIO_USERNAME=$LS_EMAIL LABEL_STUDIO_PASSWORD=$password \
      nohup "$LS_VENV/bin/label-studio" start --no-browser --internal-host 127.0.0.1 --port "$LS_PORT" \
        --data-dir "$LS_HOME/data" >> "$LS_HOME/server.log" 2>&1 < /dev/null &
    echo $! > "$PIDFILE"
    for _ in $(seq 1 120); do
      healthy && break
      running || { say "server exited; last log lines:"; tail -5 "$LS_HOME/server.log" >&2; exit 1; }
      sleep 1
    done
    healthy || { say "no /health answer from $URL after 120 s"; exit 1; }
  fi
  "$PY" -m claimnlp.labelstudio.bootstrap --url "$URL" --email "$LS_EMAIL" \
    --password-file "$LS_HOME/admin-password" --token-file "$LS_HOME/token"
  echo "$URL" > "$LS_HOME/url"
  say "up at $URL; token in $LS_HOME/token (claimnlp ls reads it; or export LABEL_STUDIO_API_KEY)"
}

status() {
  if running && healthy; then say "up at $URL (pid $(cat "$PIDFILE"))"; else say "down"; return 1; fi
}

down() {
  if running; then
    local pid; pid=$(cat "$PIDFILE")
    kill "$pid"; for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
    say "stopped (pid $pid)"
  else
    say "not running"
  fi
  rm -f "$PIDFILE"
  if [ "${1:-}" = "--purge" ]; then
    rm -rf "$LS_HOME/data" "$LS_HOME/settings" "$LS_HOME/token" "$LS_HOME/admin-password" "$LS_HOME/secret-key" \
      "$LS_HOME/url"
    say "purged data and credentials in $LS_HOME"
  fi
}

case "${1:-}" in
  install) install ;;
  up) up ;;
  status) status ;;
  down) shift; down "${1:-}" ;;
  *) echo "usage: $0 install|up|status|down [--purge]" >&2; exit 2 ;;
esac

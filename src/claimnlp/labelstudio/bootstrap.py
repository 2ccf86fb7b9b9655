"""Mint a personal access token (PAT) for the local admin, the way current Label Studio wants it.

Legacy API tokens are off by default since LS 1.16; we keep them off and use a PAT:
log in with the admin's password (session + CSRF, as the browser does), then
``POST /api/token/``. The PAT is a long-lived JWT *refresh* token; ``label-studio-sdk``
exchanges it for short-lived access tokens (``/api/token/refresh/``) and refreshes them
itself. The token goes to a 0600 file and is never printed.

    python -m claimnlp.labelstudio.bootstrap --url URL --email E --password-file F --token-file T
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import httpx


def token_works(url: str, token: str) -> bool:
    try:
        r = httpx.post(f"{url}/api/token/refresh/", json={"refresh": token}, timeout=15)
    except httpx.TransportError:
        return False
    return r.status_code == 200


def mint(url: str, email: str, password: str) -> str:
    """Log in and create the user's PAT; raises ``RuntimeError`` with a one-line reason."""
    with httpx.Client(base_url=url, timeout=30, follow_redirects=False) as http:
        http.get("/user/login/")
        csrf = http.cookies.get("csrftoken", "")
        r = http.post("/user/login/", data={"email": email, "password": password, "csrfmiddlewaretoken": csrf},
                      headers={"Referer": f"{url}/user/login/"})
        if r.status_code != 302:
            raise RuntimeError(f"login as {email} failed (HTTP {r.status_code}): wrong admin password?")
        headers = {"X-CSRFToken": http.cookies.get("csrftoken") or "", "Referer": f"{url}/"}
        r = http.post("/api/token/", headers=headers)
        if r.status_code == 409:
            raise RuntimeError(f"{email} already holds a PAT that is not in the token file; revoke it in Label Studio "
                               "(Account & Settings > Personal Access Token) or start over with `down --purge`")
        if r.status_code != 201:
            raise RuntimeError(f"creating a personal access token failed (HTTP {r.status_code})")
        return r.json()["token"]


def write_token(path: Path, token: str) -> None:
    """Owner-only from the first byte: the file is created 0600, never chmod-ed after writing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(token + "\n")
    os.replace(tmp, path)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", required=True)
    ap.add_argument("--email", required=True)
    ap.add_argument("--password-file", type=Path, required=True)
    ap.add_argument("--token-file", type=Path, required=True)
    args = ap.parse_args()
    url = args.url.rstrip("/")
    if args.token_file.is_file() and token_works(url, args.token_file.read_text().strip()):
        print(f"API token in {args.token_file} still works", file=sys.stderr)
        return 0
    try:
        token = mint(url, args.email, args.password_file.read_text().strip())
    except (RuntimeError, httpx.TransportError) as e:
        print(f"error: {url}: {e}", file=sys.stderr)
        return 1
    write_token(args.token_file, token)
    print(f"personal access token written to {args.token_file} (mode 0600)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

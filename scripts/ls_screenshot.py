"""Screenshots of a Label Studio task with claimnlp pre-annotations, for docs/labelstudio.md.

A docs tool, not part of claimnlp (selenium is deliberately not a project dependency):

    apt-get install chromium-driver          # Debian's /usr/bin/chromium + /usr/bin/chromedriver
    .venv/bin/pip install selenium
    bash scripts/label-studio.sh up          # the local server, admin password and token
    .venv/bin/python scripts/ls_screenshot.py [--passages 2] [--project "claimnlp demo"] [-m claimnlp-cnn] [--out DIR]

It pushes the first passages of annotations/gold/test.jsonl (id, text and meta only, no gold
spans) with the model's predictions through ``claimnlp ls push``, turns on "Use predictions to
prelabel tasks" for that model version, logs in through the login form in headless Chromium,
opens the labeling page of the task with the most predicted label kinds and saves
labelstudio_task.png (and labelstudio_region.png: an ASSESSMENT region selected, with its
polarity choice) in ``--out``: .cache/screenshots unless told, so the tracked docs/img/
changes only with ``--out docs/img``. Chromedriver is given explicitly, so Selenium Manager
never tries to download a driver.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from claimnlp.labelstudio.client import Connection

ROOT = Path(__file__).resolve().parents[1]
EMAIL = "admin@claimnlp.local"
MAX_BYTES = 400_000


def push(passages: int, project: str, model: str) -> None:
    src = ROOT / "annotations/gold/test.jsonl"
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as fh, \
            open(src, encoding="utf-8") as lines:
        for line in islice(lines, passages):
            r = json.loads(line)  # id, text and meta only: the gold spans stay out
            fh.write(json.dumps({"id": r["id"], "text": r["text"], "meta": r.get("meta", {})}) + "\n")
    cmd = [str(ROOT / ".venv/bin/claimnlp"), "ls", "push", fh.name, "--project", project, "-m", model]
    subprocess.run(cmd, check=True, cwd=ROOT)
    Path(fh.name).unlink()


def pick_task(conn: Connection, project: str) -> tuple[int, int, str]:
    """(project id, task id, model_version) of the task whose prediction shows the most label kinds."""
    pid = conn.find_project(project)
    if pid is None:
        sys.exit(f"project {project!r} not found after the push")
    best: tuple[int, int, str] | None = None
    for task in conn.tasks(pid):
        preds = conn.call("list predictions", lambda tid=task["id"]: list(conn.sdk.predictions.list(task=tid)))
        if not preds:
            continue
        kinds = {lab for r in preds[-1].result for lab in (r.get("value") or {}).get("labels", [])}
        if best is None or len(kinds) > best[0]:
            best = (len(kinds), task["id"], preds[-1].model_version)
    if best is None:
        sys.exit(f"no task of {project!r} has predictions (pushed with --no-predictions?)")
    return pid, best[1], best[2]


def browser(width: int, height: int) -> webdriver.Chrome:
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                f"--window-size={width},{height}", "--hide-scrollbars", "--force-device-scale-factor=1"):
        opts.add_argument(arg)
    drv = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
    # --window-size is the outer window: grow it so the page itself gets width x height.
    inner_w, inner_h = drv.execute_script("return [window.innerWidth, window.innerHeight]")
    drv.set_window_size(2 * width - inner_w, 2 * height - inner_h)
    return drv


def login(drv: webdriver.Chrome, url: str, password: str) -> None:
    drv.get(f"{url}/user/login/")
    drv.find_element(By.ID, "email").send_keys(EMAIL)
    drv.find_element(By.ID, "password").send_keys(password)
    drv.find_element(By.CSS_SELECTOR, "#login-form button[type=submit]").click()
    WebDriverWait(drv, 30).until(lambda d: "/user/login" not in d.current_url)


def save_png(drv: webdriver.Chrome, path: Path) -> None:
    """The viewport as PNG; re-encoded with fewer colours if it is over MAX_BYTES (needs Pillow)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = drv.get_screenshot_as_png()
    if len(data) > MAX_BYTES:
        try:
            from PIL import Image

            img = Image.open(io.BytesIO(data)).convert("RGB").quantize(colors=128)
            buf = io.BytesIO()
            img.save(buf, "PNG", optimize=True)
            data = buf.getvalue()
        except ImportError:
            pass
    path.write_bytes(data)
    print(f"wrote {path} ({len(data) // 1024} KB)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--project", default="claimnlp demo")
    ap.add_argument("--passages", type=int, default=2, help="how many test passages to push")
    ap.add_argument("-m", "--model", default="claimnlp-cnn")
    ap.add_argument("--out", type=Path, default=ROOT / ".cache/screenshots",
                    help="folder for the PNGs [.cache/screenshots; pass docs/img to refresh the docs' images]")
    ap.add_argument("--size", default="1600x1000")
    args = ap.parse_args()
    width, height = (int(v) for v in args.size.split("x"))

    push(args.passages, args.project, args.model)
    conn = Connection()
    pid, tid, version = pick_task(conn, args.project)
    # Predictions show as pre-annotations only with "Use predictions to prelabel tasks" on, for their version.
    conn.call("update project", conn.sdk.projects.update, id=pid, show_collab_predictions=True, model_version=version)
    print(f"project {pid}, task {tid}, predictions {version}")

    password = (ROOT / ".labelstudio/admin-password").read_text().strip()
    drv = browser(width, height)
    try:
        login(drv, conn.url, password)
        drv.get(f"{conn.url}/projects/{pid}/data?task={tid}")
        wait = WebDriverWait(drv, 60)
        # The passage text, then the highlighted regions inside it (spans carrying a region class).
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, ".lsf-htx-richtext")))
        try:
            wait.until(lambda d: d.execute_script(
                "return document.querySelectorAll('.htx-highlight').length") > 3)
        except TimeoutException:
            print("warning: no highlighted regions appeared; the screenshot shows the bare text", file=sys.stderr)
        time.sleep(4)  # let the React app settle (region list, fonts)
        save_png(drv, args.out / "labelstudio_task.png")

        # Select an ASSESSMENT region: its per-region polarity choice appears in the side panel.
        clicked = drv.execute_script("""
            const spans = [...document.querySelectorAll('.htx-highlight')];
            const hit = spans.find(s => getComputedStyle(s).backgroundColor.replace(/\\s/g, '')
                                        .startsWith('rgba(204,121,167'));
            if (!hit) return false;
            hit.scrollIntoView({block: 'center'});
            hit.click();
            return true;
        """)
        if clicked:
            time.sleep(2)
            save_png(drv, args.out / "labelstudio_region.png")
        else:
            print("warning: no ASSESSMENT region found to select; no region screenshot", file=sys.stderr)
    finally:
        drv.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())

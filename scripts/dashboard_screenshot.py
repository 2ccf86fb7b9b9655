"""Screenshots of the claims dashboard on real passages, for the docs: dashboard.png and dashboard-filtered.png.

    .venv/bin/python scripts/dashboard_screenshot.py [--countries 5] [--model claimnlp-cnn] [--out docs/images]

It takes the passages of data/corpus/tip_passages.jsonl of the countries with the most report years (ties by
name, so the same ones every time), extracts their claims with the shipped pipeline (what ``claimnlp extract``
does), computes the findings (claimnlp.claims.checks and .audit, when they exist), renders the dashboard and
shoots it in headless Chromium at 1400x1800: the default view, and a filtered one (victims assisted in two of
the countries). A docs tool: it needs Debian's /usr/bin/chromium, and it takes well under two minutes.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from claimnlp.claims.extract import extract
from claimnlp.claims.report import render
from claimnlp.io import passage_from_obj
from claimnlp.pipeline import load_pipeline, model_version
from claimnlp.tagging import pipe_passages

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "corpus" / "tip_passages.jsonl"
MAX_PASSAGES = 300


def pick_countries(objs: list[dict[str, Any]], n: int) -> list[str]:
    """The ``n`` countries with the most report years (then the most passages, then by name)."""
    years: dict[str, set[int]] = defaultdict(set)
    passages: Counter[str] = Counter()
    for o in objs:
        years[o["country"]].add(o["report_year"])
        passages[o["country"]] += 1
    return sorted(years, key=lambda c: (-len(years[c]), -passages[c], c))[:n]


def claim_rows(objs: list[dict[str, Any]], model: str) -> list[dict[str, Any]]:
    nlp = load_pipeline(model)
    pipeline = model_version(nlp)
    return [row for doc in pipe_passages(nlp, [passage_from_obj(o) for o in objs]) for row in extract(doc, pipeline)]


def findings_of(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    try:
        from claimnlp.claims.audit import audit_claims
        from claimnlp.claims.checks import check_claims
    except ImportError:
        print("claimnlp.claims.checks / .audit not found: the dashboard is rendered with no findings")
        return []
    return check_claims(rows) + audit_claims(rows)


def shoot(page: Path, fragment: str, png: Path, profile: Path) -> None:
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--host-resolver-rules=MAP * ~NOTFOUND", f"--user-data-dir={profile}", "--virtual-time-budget=10000",
             "--window-size=1400,1800", "--hide-scrollbars", f"--screenshot={png}"]
    subprocess.run(["chromium", *flags, page.as_uri() + fragment], capture_output=True, timeout=180, check=True)
    print(f"{png} ({png.stat().st_size // 1024} kB)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--countries", type=int, default=5)
    ap.add_argument("--model", "-m", default="claimnlp-cnn")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    ap.add_argument("--html", type=Path, help="also keep the rendered dashboard here")
    args = ap.parse_args()
    if shutil.which("chromium") is None:
        print("chromium not found (apt-get install chromium)", file=sys.stderr)
        return 1

    with CORPUS.open(encoding="utf-8") as fh:
        objs = [json.loads(line) for line in fh]
    countries = pick_countries(objs, args.countries)
    chosen = [o for o in objs if o["country"] in countries][:MAX_PASSAGES]
    rows = claim_rows(chosen, args.model)
    findings = findings_of(rows)
    kinds = Counter(r["claim_type"] for r in rows)
    print(f"{', '.join(countries)}: {len(chosen)} passages, {kinds['statistic']} statistic and "
          f"{kinds['assessment']} assessment claims, {len(findings)} findings")

    # the filtered view: victims assisted, in the two countries that report it most
    assisted = Counter(r["country"] for r in rows if r["metric"] == "victims_assisted")
    two = sorted(assisted, key=lambda c: (-assisted[c], c))[:2] or countries[:2]
    filtered = "#metric=victims_assisted&country=" + ",".join(two)

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "dashboard.html"
        page.write_text(render(rows, findings, title=f"claimnlp claims dashboard: {len(countries)} countries, "
                                                     f"TIP reports"), encoding="utf-8")
        if args.html:
            shutil.copyfile(page, args.html)
        shoot(page, "", args.out / "dashboard.png", Path(tmp) / "profile")
        shoot(page, filtered, args.out / "dashboard-filtered.png", Path(tmp) / "profile")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Copy what claimnlp uses of the shared public-domain corpus and spec into ``data/`` (maintainers only).

The repository must work cloned alone, so code, tests and scripts read ``data/``; this script is
the one place that knows about a ``../shared`` checkout. Passage ids never change between corpus
versions, so re-syncing a grown corpus keeps every gold record's provenance valid.

    python scripts/sync_data.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FILES = {
    "corpus/README.md": "corpus/README.md",
    "corpus/tip_passages.jsonl": "corpus/tip_passages.jsonl",
    "corpus/other_reports.jsonl": "corpus/other_reports.jsonl",
    "corpus/seed_peru_2020.txt": "corpus/seed_peru_2020.txt",
    "spec/annotation-spec.md": "spec/annotation-spec.md",
    "spec/seed_gold.jsonl": "spec/seed_gold.jsonl",
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = ap.parse_args()
    for src, dst in FILES.items():
        target = ROOT / "data" / dst
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(args.shared / src, target)  # copyfile: data/ stays writable whatever shared/'s modes
        print(f"{args.shared / src} -> {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

"""Assemble the shipped rule pipeline ``src/claimnlp/models/claimnlp-rules`` from ``configs/rules.cfg``.

Like ``spacy assemble``, plus the meta (name, version, description) that
``model_version`` and claim provenance report. Run from the repository root
after editing the config or the pattern files:

    python scripts/build_rules_model.py
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from claimnlp.pipeline import assemble

ROOT = Path(__file__).resolve().parents[1]
VERSION = "0.1.0"


def main(out: str = "src/claimnlp/models/claimnlp-rules") -> None:
    nlp = assemble(ROOT / "configs" / "rules.cfg")
    nlp.meta.update(
        name="claimnlp-rules",
        version=VERSION,
        description="Rule-based claimnlp pipeline: entity rulers, number normaliser, assessment cues, counts linker.",
        license="MIT",
    )
    target = ROOT / out
    if target.exists():
        shutil.rmtree(target)
    nlp.to_disk(target)
    print(f"wrote {target.relative_to(ROOT)} ({', '.join(nlp.pipe_names)})")


if __name__ == "__main__":
    main(*sys.argv[1:])

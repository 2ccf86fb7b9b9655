"""Assemble the shipped rule pipeline ``src/claimnlp/models/claimnlp-rules`` from ``configs/rules.cfg``.

Like ``spacy assemble``, plus what ``claimnlp train`` gives a trained pipeline: the meta
(name, description), the hash of its "training data" (the pattern files), a version made
from config and patterns, and its dev scores. Run from the repository root after editing
the config or the pattern files (``spacy project run rules-model``):

    python scripts/build_rules_model.py
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from claimnlp.pipeline import assemble
from claimnlp.training.corpus import data_hash
from claimnlp.training.run import finalize

ROOT = Path(__file__).resolve().parents[1]
PATTERNS = ROOT / "configs" / "patterns"


def main(out: str = "src/claimnlp/models/claimnlp-rules") -> None:
    nlp = assemble(ROOT / "configs" / "rules.cfg")
    nlp.meta.update(
        name="claimnlp-rules",
        description="Rule-based claimnlp pipeline: entity rulers, number normaliser, assessment cues, counts linker.",
        license="MIT",
    )
    patterns = sorted(PATTERNS.glob("*.jsonl"))
    nlp.meta["claimnlp"] = {"config": "configs/rules.cfg",
                            "train_data": {"patterns": [str(p.relative_to(ROOT)) for p in patterns],
                                           "sha256": data_hash(patterns)}}
    target = ROOT / out
    if target.exists():
        shutil.rmtree(target)
    nlp.to_disk(target)
    metrics = finalize(target, ROOT / "annotations" / "gold" / "dev.jsonl", [])
    version = json.loads((target / "meta.json").read_text(encoding="utf-8"))["version"]
    print(f"wrote {target.relative_to(ROOT)} {version} ({', '.join(nlp.pipe_names)}); "
          f"dev micro strict F1 {metrics['overall']['strict']['micro']['f1']:.3f}")


if __name__ == "__main__":
    main(*sys.argv[1:])

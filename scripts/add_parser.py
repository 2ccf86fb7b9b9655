"""Give an already trained pipeline the stock English parser and the figure parser that runs it
(``claimnlp.pipeline.parser``), without retraining.

The configs in ``configs/`` have the same two components, so pipelines trained from them have
them; this script brings shipped pipelines trained before to the same shape (one that has the
parser already gets the figure parser), then, as after training, stamps the version anew from
the changed config and records the dev scores.

    python scripts/add_parser.py --model src/claimnlp/models/claimnlp-cnn
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from claimnlp.pipeline import load_pipeline
from claimnlp.pipeline.parser import PARSER_SOURCE, add_parser
from claimnlp.training.run import finalize


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True, help="pipeline folder, rewritten in place")
    ap.add_argument("--source", default=PARSER_SOURCE, help="pipeline whose parser to source")
    ap.add_argument("--dev", default="annotations/gold/dev.jsonl")
    args = ap.parse_args()
    out = Path(args.model)
    nlp = load_pipeline(str(out))
    if "figure_parser" in nlp.component_names:
        raise SystemExit(f"{out}: already has the figure parser")
    add_parser(nlp, args.source)
    disabled = list(nlp.disabled)
    tmp = out.with_name(f".{out.name}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    nlp.to_disk(tmp)
    shutil.rmtree(out)
    tmp.rename(out)
    metrics = finalize(out, Path(args.dev), disable=disabled)
    print(f"wrote {out} {load_pipeline(str(out)).meta['version']} with {args.source}'s parser; "
          f"dev micro strict F1 {metrics['overall']['strict']['micro']['f1']:.3f}")


if __name__ == "__main__":
    main()

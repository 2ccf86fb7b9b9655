"""Give a trained pipeline the current rule components, without retraining.

A trained pipeline holds copies of the rule components it sourced from the rule pipeline
(``[paths] rules`` in ``configs/cnn.cfg`` and ``configs/trf.cfg``) when it was trained. After
``scripts/build_patterns.py`` and ``scripts/build_rules_model.py`` change those, this script swaps
the copies for the new ones (same names, same places, same enabled/disabled state) and the
tokenizer's saved settings for the rule pipeline's, records the
rule pipeline's version in ``meta.json`` so that the pipeline's version changes with it, and
scores it on dev as after training. The learned components are untouched. A pipeline trained
before the parser existed gets the stock parser and the figure parser too
(``claimnlp.pipeline.parser.add_parser``).

    python scripts/refresh_rules.py --model src/claimnlp/models/claimnlp-cnn
"""

from __future__ import annotations

import argparse
from pathlib import Path

from claimnlp.pipeline import load_pipeline
from claimnlp.pipeline.parser import add_parser
from claimnlp.training.run import save_in_place

RULES = "src/claimnlp/models/claimnlp-rules"
KEEP = ("parser",)  # the stock parser: the same weights in both, and heavy
SAME = {"entity_ruler": "claimnlp_entity_ruler"}  # an older factory -> the one that replaces it


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True, help="trained pipeline folder, rewritten in place")
    ap.add_argument("--rules", default=RULES, help="rule pipeline to take the components from")
    ap.add_argument("--dev", default="annotations/gold/dev.jsonl")
    args = ap.parse_args()
    nlp, rules = load_pipeline(args.model), load_pipeline(args.rules)
    replaced = []
    for name in rules.component_names:
        if name in KEEP or name not in nlp.component_names:
            continue
        factory = nlp.get_pipe_meta(name).factory
        if SAME.get(factory, factory) != rules.get_pipe_meta(name).factory:
            continue
        names = nlp.component_names
        after = names[names.index(name) + 1] if names.index(name) + 1 < len(names) else None
        was_disabled = name in nlp.disabled
        nlp.remove_pipe(name)
        nlp.add_pipe(name, source=rules, before=after)
        if was_disabled:
            nlp.disable_pipe(name)
        replaced.append(name)
    if "figure_parser" not in nlp.component_names:
        add_parser(nlp)
        replaced.append("parser")
    nlp.tokenizer.from_bytes(rules.tokenizer.to_bytes())  # its rules and affixes are saved with each pipeline
    nlp.meta["claimnlp"]["rules"] = rules.meta["version"]
    metrics = save_in_place(nlp, Path(args.model), Path(args.dev))
    print(f"wrote {args.model} {load_pipeline(args.model).meta['version']} with {', '.join(replaced)} of "
          f"{rules.meta['name']} {rules.meta['version']}; dev micro strict F1 "
          f"{metrics['overall']['strict']['micro']['f1']:.3f}")


if __name__ == "__main__":
    main()

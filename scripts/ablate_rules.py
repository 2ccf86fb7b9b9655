"""The rule components' contribution to a trained pipeline: score it with and without them.

    python scripts/ablate_rules.py src/claimnlp/models/claimnlp-cnn annotations/gold/dev.jsonl

Variants: the pipeline as shipped; without the claims tagger (ASSESSMENT from the
cue rules alone); without the assessment ruler (ASSESSMENT from the tagger alone);
without the entity rulers (ORG/QUANTITY/POPULATION from ner alone); without any
rule component. Scored on the given gold file (use dev for choices, never test).
"""

from __future__ import annotations

import sys

from claimnlp.evaluate import compare_sets, predict, summarise
from claimnlp.io import read_records
from claimnlp.pipeline import load_pipeline

VARIANTS = {
    "as shipped": [],
    "no claims tagger": ["claims_tagger"],
    "no assessment ruler": ["assessment_ruler"],
    "no entity rulers": ["org_ruler", "quantity_ruler", "population_ruler"],
    "no rule components": ["org_ruler", "quantity_ruler", "population_ruler", "entity_filter", "assessment_ruler"],
}


def main(model: str, gold_path: str) -> None:
    gold = read_records(gold_path)
    print(f"{model} on {gold_path}: strict F1 (partial F1)")
    for name, removed in VARIANTS.items():
        nlp = load_pipeline(model)
        for pipe in removed:
            if pipe in nlp.pipe_names:
                nlp.remove_pipe(pipe)
        m = summarise(compare_sets(predict(nlp, gold), gold), resamples=200)
        cells = " ".join(f"{k} {v['strict']['f1']:.3f} ({v['partial']['f1']:.3f})" for k, v in m["labels"].items())
        print(f"  {name:20s} micro {m['overall']['strict']['micro']['f1']:.3f} | {cells} | polarity "
              f"{m['polarity']['accuracy']} | counts {m['relations']['f1']:.3f}", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:3])

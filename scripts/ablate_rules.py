"""Choose a trained pipeline's composition on dev: score it with the rule components removed,
moved after ``ner`` or overruled by the claim tagger.

    python scripts/ablate_rules.py src/claimnlp/models/claimnlp-cnn annotations/gold/dev.jsonl \
        [--json docs/results/composition_cnn_dev.json]
    python scripts/ablate_rules.py MODEL annotations/gold/dev.jsonl --apply "claims: tagger first, min_score 0.8"

Entity variants (what ORG, QUANTITY and POPULATION come from):
- rulers before ``ner`` (``ner`` keeps their spans and tags the rest: the rules win);
- a ruler moved after ``ner`` (``overwrite_ents = false``: ``ner`` wins, the ruler fills gaps);
- no entity rulers (``ner`` alone), or the POPULATION ruler switched on.
ASSESSMENT variants: the cue rules alone, the tagger alone, and their union with either one
winning where they overlap (``claims.prefer``), with and without one-token runs, and keeping only
tagged runs the tagger is sure of (``claims.min_score``; needs ``claimnlp_claims_tagger``).
``training`` runs neither ruler (they are frozen, not annotating), so ``ner`` and the tagger are
the same models in every variant and the order is an inference-time choice. Use dev, never test.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from spacy.language import Language

from claimnlp.evaluate import compare_sets, predict, summarise
from claimnlp.io import read_records
from claimnlp.pipeline import load_pipeline
from claimnlp.training.run import save_in_place

ENTITY_RULERS = ["org_ruler", "quantity_ruler", "population_ruler"]

VARIANTS: dict[str, dict[str, Any]] = {
    "as shipped": {},
    "entities: ner alone": {"remove": ENTITY_RULERS},
    "entities: ORG ruler after ner": {"after_ner": ["org_ruler"]},
    "entities: QUANTITY ruler after ner": {"after_ner": ["quantity_ruler"]},
    "entities: both rulers after ner": {"after_ner": ["org_ruler", "quantity_ruler"]},
    "entities: POPULATION ruler on": {"enable": ["population_ruler"]},
    "claims: cue rules alone": {"disable": ["claims_tagger"]},
    "claims: tagger alone": {"enable": ["claims_tagger"], "remove": ["assessment_ruler"]},
    "claims: rules first, tagger fills": {"enable": ["claims_tagger"], "claims": {"prefer": "rules"}},
    "claims: tagger first, rules fill": {"enable": ["claims_tagger"], "claims": {"prefer": "tagger"}},
    "claims: tagger first, rules fill, 2+ tokens": {"enable": ["claims_tagger"],
                                                     "claims": {"prefer": "tagger", "min_tokens": 2}},
    **{f"claims: {first} first, min_score {score}": {"enable": ["claims_tagger"],
                                                     "claims": {"prefer": first, "min_score": score}}
       for first in ("rules", "tagger") for score in (0.7, 0.8, 0.9, 0.95)},
}


def combine(variants: list[dict[str, Any]]) -> dict[str, Any]:
    """One variant doing what each of ``variants`` does (their lists joined, their claim settings merged)."""
    out: dict[str, Any] = {}
    for v in variants:
        for key, value in v.items():
            out[key] = {**out.get(key, {}), **value} if key == "claims" else [*out.get(key, []), *value]
    return out


def build(model: str, variant: dict[str, Any], base_order: list[str]) -> Language:
    """Load ``model`` in one variant: components moved after ``ner``, claim options, enabled/removed pipes."""
    moved = [n for n in variant.get("after_ner", []) if n in base_order]
    order = [n for n in base_order if n not in moved]
    if moved:
        at = order.index("ner") + 1
        order[at:at] = moved
    overrides: dict[str, Any] = {"nlp": {"pipeline": order}, "components": {}}
    if "claims_tagger" in base_order:  # the stock tagger's weights, with its probabilities for min_score
        overrides["components"]["claims_tagger"] = {"factory": "claimnlp_claims_tagger"}
    if variant.get("claims"):
        overrides["components"]["claims"] = {**variant["claims"], "merge": True}
    nlp = load_pipeline(model, config=overrides)
    for name in variant.get("enable", []):
        if name in nlp.disabled:
            nlp.enable_pipe(name)
    for name in variant.get("disable", []):
        if name in nlp.pipe_names:
            nlp.disable_pipe(name)
    for name in variant.get("remove", []):
        if name in nlp.component_names:
            nlp.remove_pipe(name)
    return nlp


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model")
    ap.add_argument("gold")
    ap.add_argument("--json", help="write every variant's summary here")
    ap.add_argument("--resamples", type=int, default=1000)
    ap.add_argument("--apply", metavar="VARIANT", choices=list(VARIANTS), action="append", default=[],
                    help="instead of scoring, write the model in this variant (repeat: an entity and a claims "
                         "variant together) back to its folder, versioned and dev-scored as after training")
    args = ap.parse_args()
    base_order = load_pipeline(args.model).component_names
    if args.apply:
        variant = combine([VARIANTS[name] for name in args.apply])
        nlp = build(args.model, variant, base_order)
        m = save_in_place(nlp, Path(args.model), Path(args.gold))
        version = json.loads((Path(args.model) / "meta.json").read_text(encoding="utf-8"))["version"]
        print(f"wrote {args.model} {version} as {' + '.join(args.apply)}: dev micro "
              f"{m['overall']['strict']['micro']['f1']:.3f}")
        return
    gold = read_records(args.gold)
    print(f"{args.model} on {args.gold}: strict F1 (partial F1)")
    out: dict[str, Any] = {"model": args.model, "gold": args.gold, "variants": {}}
    for name, variant in VARIANTS.items():
        if "ner" not in base_order and variant.get("after_ner"):
            continue
        nlp = build(args.model, variant, base_order)
        m = summarise(compare_sets(predict(nlp, gold), gold), resamples=args.resamples)
        out["variants"][name] = {"variant": variant, "pipeline": nlp.pipe_names, "metrics": m}
        cells = " ".join(f"{k} {v['strict']['f1']:.3f} ({v['partial']['f1']:.3f})" for k, v in m["labels"].items())
        print(f"  {name:44s} micro {m['overall']['strict']['micro']['f1']:.3f} | {cells} | polarity "
              f"{m['polarity']['accuracy']} | counts {m['relations']['f1']:.3f}", flush=True)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()

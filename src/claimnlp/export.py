"""Gold records to the formats training tools read: spaCy ``DocBin`` and a Hugging Face ``DatasetDict``.

Both go through ``convert.doc_from_record`` so tokens, entity boundaries and the
``claims`` span group are the ones every claimnlp pipeline sees.
"""

from __future__ import annotations

import json
from pathlib import Path

from spacy.language import Language
from spacy.tokens import DocBin

from .convert import doc_from_record
from .pipeline.claims import bio_tags
from .pipeline.extensions import CLAIMS_KEY
from .schema import FLAT_LABELS, Record

BIO_NAMES = ["O"] + [f"{p}-{label}" for label in FLAT_LABELS for p in ("B", "I")]


def to_docbin(nlp: Language, records: list[Record]) -> DocBin:
    """The one DocBin writer (``export --format spacy`` and training): what ``spacy train`` reads.

    Entities in ``doc.ents``, ASSESSMENTs in ``doc.spans["claims"]`` and, for the claims tagger, as
    BIO tags with their polarity in ``token.tag_`` (see ``pipeline.claims``); values, polarity and
    relations in user data.
    """
    db = DocBin(store_user_data=True)
    for rec in records:
        doc = doc_from_record(nlp, rec)
        for tok, tag in zip(doc, bio_tags(doc, list(doc.spans[CLAIMS_KEY])), strict=True):
            tok.tag_ = tag
        db.add(doc)
    return db


def hf_rows(nlp: Language, records: list[Record]) -> list[dict]:
    rows = []
    for rec in records:
        doc = doc_from_record(nlp, rec)
        tags = [BIO_NAMES.index(f"{t.ent_iob_}-{t.ent_type_}") if t.ent_type_ else 0 for t in doc]
        rows.append({
            "id": rec.id,
            "text": rec.text,
            "meta": json.dumps(rec.meta, ensure_ascii=False, sort_keys=True),
            "tokens": [t.text for t in doc],
            "token_starts": [t.idx for t in doc],
            "ner_tags": tags,
            "spans": [{"start": s.start, "end": s.end, "label": s.label, "polarity": s.polarity,
                       "value": None if s.value is None else float(s.value)} for s in rec.spans],
            "relations": [{"head": r.head, "child": r.child, "label": r.label} for r in rec.relations],
            "n_claims": len(doc.spans[CLAIMS_KEY]),
        })
    return rows


def write_hf(nlp: Language, splits: dict[str, list[Record]], out: Path) -> None:
    """A ``DatasetDict`` (one split per gold file) saved for ``datasets.load_from_disk``."""
    from datasets import ClassLabel, Dataset, DatasetDict, Features, List, Value

    span = {"start": Value("int32"), "end": Value("int32"), "label": Value("string"),
            "polarity": Value("string"), "value": Value("float64")}
    features = Features({
        "id": Value("string"), "text": Value("string"), "meta": Value("string"),
        "tokens": List(Value("string")), "token_starts": List(Value("int32")),
        "ner_tags": List(ClassLabel(names=BIO_NAMES)),
        "spans": List(span),
        "relations": List({"head": Value("int32"), "child": Value("int32"), "label": Value("string")}),
        "n_claims": Value("int32"),
    })
    dd = DatasetDict({name: Dataset.from_list(hf_rows(nlp, recs), features=features) for name, recs in splits.items()})
    dd.save_to_disk(str(out))


def write_docbins(nlp: Language, splits: dict[str, list[Record]], out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, recs in splits.items():
        path = out / f"{name}.spacy"
        to_docbin(nlp, recs).to_disk(path)
        paths.append(path)
    return paths

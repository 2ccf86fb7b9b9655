"""Gold records to DocBin and to a Hugging Face DatasetDict, and back."""

import datasets
from spacy.tokens import DocBin
from typer.testing import CliRunner

from claimnlp.cli import app
from claimnlp.export import BIO_NAMES
from claimnlp.pipeline import CLAIMS_KEY

from .conftest import SEED_GOLD


def _gold_dir(tmp_path):
    d = tmp_path / "gold"
    d.mkdir()
    text = SEED_GOLD.read_text(encoding="utf-8")
    (d / "train.jsonl").write_text(text, encoding="utf-8")
    (d / "test.jsonl").write_text(text, encoding="utf-8")
    return d


def test_export_hf_loads_with_datasets(tmp_path, seed_record):
    out = tmp_path / "hf"
    res = CliRunner().invoke(app, ["export", "--format", "hf", "--gold-dir", str(_gold_dir(tmp_path)), "-o", str(out)])
    assert res.exit_code == 0, res.output
    dd = datasets.load_from_disk(str(out))
    assert set(dd) == {"train", "test"}
    row = dd["train"][0]
    assert row["id"] == seed_record["id"] and row["text"] == seed_record["text"]
    names = dd["train"].features["ner_tags"].feature.names
    assert names == BIO_NAMES
    tags = [names[t] for t in row["ner_tags"]]
    i = row["tokens"].index("765")
    assert tags[i] == "B-QUANTITY" and tags[i + 1] == "B-POPULATION"
    j = next(k for k, t in enumerate(row["tokens"]) if t == "Venezuelan" and row["tokens"][k + 1] == "adults")
    assert tags[j:j + 2] == ["B-POPULATION", "I-POPULATION"]
    assert len(row["spans"]) == len(seed_record["spans"]) and len(row["relations"]) == len(seed_record["relations"])
    assert row["n_claims"] == sum(1 for s in seed_record["spans"] if s["label"] == "ASSESSMENT")


def test_export_spacy_docbin_round_trip(tmp_path, rules_nlp, seed_record):
    out = tmp_path / "spacy"
    res = CliRunner().invoke(app, ["export", "--format", "spacy", "--gold-dir", str(_gold_dir(tmp_path)), "-o", str(out)])
    assert res.exit_code == 0, res.output
    docs = list(DocBin().from_disk(out / "train.spacy").get_docs(rules_nlp.vocab))
    doc = docs[0]
    gold_flat = [(s["start"], s["end"], s["label"]) for s in seed_record["spans"] if s["label"] != "ASSESSMENT"]
    assert [(e.start_char, e.end_char, e.label_) for e in doc.ents] == gold_flat
    claims = doc.spans[CLAIMS_KEY]
    assert len(claims) == sum(1 for s in seed_record["spans"] if s["label"] == "ASSESSMENT")
    assert claims[0]._.polarity == "neutral"
    assert len(doc._.relations) == len(seed_record["relations"])

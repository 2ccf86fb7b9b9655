"""The transformer's fast inference path (issue 15): ONNX Runtime encoder, int8, length groups.

A tiny BERT built here (random weights, a word-level vocabulary) exercises the component
end to end without the shipped weights: same ``trf_data`` as PyTorch within float error,
every serialisation round trip, training dropping the stale graph. The shipped pipeline is
checked for what it ships: the graph is loaded, not re-exported, and its output matches the
fp32 path's.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest
import spacy
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.language import Language
from transformers import BertConfig, BertModel, BertTokenizerFast

from claimnlp.model_paths import resolve_model
from claimnlp.pipeline import fast_transformer, load_pipeline
from claimnlp.pipeline.fast_encoder import OnnxEncoder, export_onnx, length_groups
from claimnlp.pipeline.fast_transformer import ONNX_FILE, FastTransformer
from claimnlp.training.onnx_weights import bert_from_onnx
from claimnlp.training.registry import encoder_path

WORDS = ["the", "government", "identified", "victims", "police", "prosecuted", "traffickers", "and", "in", "of", "to", "a", "2019", "765", "girls", "boys"]
TEXTS = ["The government identified 765 victims in 2019.", "Police prosecuted traffickers.",
         "The government identified girls and boys " * 30]


@pytest.fixture(scope="module")
def tiny_bert(tmp_path_factory) -> Path:
    """A 2-layer BERT with random weights and a word-level vocabulary, saved as a Hugging Face folder."""
    path = tmp_path_factory.mktemp("tiny-bert")
    (path / "vocab.txt").write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ".", *WORDS]) + "\n",
                                    encoding="utf-8")
    BertTokenizerFast(vocab_file=str(path / "vocab.txt")).save_pretrained(path)
    torch.manual_seed(0)
    config = BertConfig(vocab_size=len(WORDS) + 6, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=128)
    BertModel(config).save_pretrained(path)
    return path


def tiny_nlp(path: Path, runtime: str) -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("claimnlp_transformer", name="transformer", config={"runtime": runtime, "model": {
        "name": str(path), "get_spans": {"@span_getters": "spacy-transformers.strided_spans.v1",
                                         "window": 16, "stride": 12}}})
    nlp.initialize()
    return nlp


def hidden(nlp: Language, texts: list[str]) -> list[np.ndarray]:
    return [np.asarray(doc._.trf_data.tensors[0]) for doc in nlp.pipe(texts)]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 300), min_size=1, max_size=40), st.integers(1, 5000))
def test_length_groups_cover_every_row_once_longest_first_within_the_budget(lengths, max_items):
    lengths_a = np.asarray(lengths)
    groups = list(length_groups(lengths_a, max_items))
    rows = np.concatenate(groups)
    assert sorted(rows.tolist()) == list(range(len(lengths)))
    assert list(lengths_a[rows]) == sorted(lengths, reverse=True)
    for g in groups:
        assert len(g) == 1 or len(g) * lengths_a[g[0]] <= max_items


def test_onnx_encoder_matches_pytorch_on_padded_rows(tiny_bert):
    model = BertModel.from_pretrained(tiny_bert).eval()
    ids = torch.tensor([[2, 6, 7, 8, 3, 0, 0], [2, 9, 3, 0, 0, 0, 0], [2, 6, 7, 8, 9, 10, 3]])
    mask = (ids != 0).long()
    with torch.no_grad():
        ref = model(input_ids=ids, attention_mask=mask, token_type_ids=torch.zeros_like(ids)).last_hidden_state
    fp32 = OnnxEncoder(export_onnx(model, int8=False), threads=1, max_items=8)  # forces several length groups
    out = fp32(ids, mask.float()).last_hidden_state  # spacy-transformers sends a float mask
    real = mask.bool()
    assert out.shape == ref.shape
    assert torch.allclose(out[real], ref[real], atol=1e-4)
    int8 = OnnxEncoder(export_onnx(model, int8=True), threads=1)(ids, mask).last_hidden_state
    cos = torch.nn.functional.cosine_similarity(int8[real], ref[real], dim=-1)
    assert cos.min() > 0.95


def test_an_onnx_export_reads_back_into_the_same_bert_weights(tiny_bert, tmp_path):
    """What scripts/encoder_from_onnx.py does to an encoder a package ships only as ONNX: every weight comes back
    under its name and the right way round, and the result loads as a training config's ``paths.encoder``."""
    model = BertModel.from_pretrained(tiny_bert).eval()
    torch.manual_seed(1)
    for param in model.parameters():  # fresh BERT biases are all zero: the exporter would share one tensor
        param.data.normal_()
    back = bert_from_onnx(onnx.load_from_string(export_onnx(model, int8=False)).graph, model.config)
    ref = {k: v for k, v in model.state_dict().items() if not k.startswith("pooler.")}
    got = back.state_dict()
    assert sorted(got) == sorted(ref)
    assert all(torch.equal(got[k], ref[k]) for k in ref)
    back.save_pretrained(tmp_path / "enc")
    assert encoder_path(str(tmp_path / "enc")) == str((tmp_path / "enc").resolve())
    with pytest.raises(RuntimeError, match=r"not a Hugging Face model directory \(no config.json\)$"):
        encoder_path(str(tmp_path))
    wider = BertConfig(**{**model.config.to_dict(), "hidden_size": 64})
    with pytest.raises(ValueError, match="needs its own tokenizer and config"):
        bert_from_onnx(onnx.load_from_string(export_onnx(model, int8=False)).graph, wider)


@pytest.mark.parametrize("runtime", ["onnx-fp32", "onnx-int8"])
def test_component_gives_the_pytorch_activations_and_survives_round_trips(tiny_bert, tmp_path, runtime):
    fast, ref = tiny_nlp(tiny_bert, runtime), tiny_nlp(tiny_bert, "fp32")
    ref.get_pipe("transformer").model.from_bytes(fast.get_pipe("transformer").model.to_bytes())  # same weights
    tol = 1e-4 if runtime == "onnx-fp32" else 0.25
    for a, b in zip(hidden(fast, TEXTS), hidden(ref, TEXTS), strict=True):
        assert a.shape == b.shape and np.abs(a - b).max() < tol
    expected = hidden(fast, TEXTS)
    fast.to_disk(tmp_path / "p")
    assert (tmp_path / "p" / "transformer" / ONNX_FILE).is_file()
    for loaded in (spacy.load(tmp_path / "p"), tiny_nlp(tiny_bert, runtime).from_bytes(fast.to_bytes())):
        for a, b in zip(hidden(loaded, TEXTS), expected, strict=True):
            assert np.array_equal(a, b)


def test_fp32_runtime_ships_no_graph_and_bad_runtime_is_one_line(tiny_bert, tmp_path):
    nlp = tiny_nlp(tiny_bert, "fp32")
    nlp.to_disk(tmp_path / "p")
    assert not (tmp_path / "p" / "transformer" / ONNX_FILE).exists()
    with pytest.raises(ValueError, match=r"runtime = 'int4': expected one of fp32, onnx-fp32, onnx-int8"):
        tiny_nlp(tiny_bert, "int4")


def test_an_update_drops_the_graph_and_the_next_save_exports_the_new_weights(tiny_bert, tmp_path):
    nlp = tiny_nlp(tiny_bert, "onnx-fp32")
    trf = nlp.get_pipe("transformer")
    assert isinstance(trf, FastTransformer)
    hidden(nlp, TEXTS[:1])
    before = trf._onnx
    with torch.no_grad():
        for p in trf._shim._model.parameters():
            p.add_(0.1)  # what an optimizer step does to the weights
    trf.update([])
    assert trf._onnx is None
    ref = tiny_nlp(tiny_bert, "fp32")
    ref.get_pipe("transformer").model.from_bytes(trf.model.to_bytes())
    for a, b in zip(hidden(nlp, TEXTS), hidden(ref, TEXTS), strict=True):
        assert np.abs(a - b).max() < 1e-4
    nlp.to_disk(tmp_path / "p")
    assert (tmp_path / "p" / "transformer" / ONNX_FILE).read_bytes() != before


@pytest.fixture(scope="module")
def shipped_trf() -> Language:
    return load_pipeline("claimnlp-trf")


def test_shipped_transformer_runs_its_saved_int8_graph(shipped_trf, monkeypatch):
    trf = shipped_trf.get_pipe("transformer")
    assert isinstance(trf, FastTransformer) and trf.runtime == "onnx-int8"
    assert (Path(resolve_model("claimnlp-trf")) / "transformer" / ONNX_FILE).is_file()
    monkeypatch.setattr(fast_transformer, "export_onnx", lambda *a, **k: pytest.fail("re-exported at load"))
    doc = shipped_trf("The national police identified 765 victims in 2019.")
    assert isinstance(trf._encoder, OnnxEncoder) and doc._.trf_data is not None


@pytest.mark.slow
def test_shipped_fast_path_tags_like_the_fp32_path(shipped_trf, corpus_rows):
    fp32 = spacy.load(resolve_model("claimnlp-trf"), config={"components": {"transformer": {"runtime": "fp32"}}})
    texts = [r["text"] for r in corpus_rows[:20]]
    fast_ents = [{(e.start_char, e.end_char, e.label_) for e in d.ents} for d in shipped_trf.pipe(texts)]
    ref_ents = [{(e.start_char, e.end_char, e.label_) for e in d.ents} for d in fp32.pipe(texts)]
    same = sum(len(a & b) for a, b in zip(fast_ents, ref_ents, strict=True))
    union = sum(len(a | b) for a, b in zip(fast_ents, ref_ents, strict=True))
    assert same / union >= 0.97, json.dumps({"same": same, "union": union})


def test_loading_weights_gives_what_spacy_transformers_loads(tiny_bert, tmp_path):
    """``fast_transformer.load_weights`` is spacy-transformers' own load with fewer copies: same weights,
    same tokenizer, same activations."""
    nlp = tiny_nlp(tiny_bert, "fp32")
    nlp.to_disk(tmp_path / "p")
    loaded = spacy.load(tmp_path / "p")
    ours = loaded.get_pipe("transformer")
    theirs = tiny_nlp(tiny_bert, "fp32").get_pipe("transformer")
    super(FastTransformer, theirs).from_disk(tmp_path / "p" / "transformer", exclude=["vocab"])
    got, ref = ours._shim._model.state_dict(), theirs._shim._model.state_dict()
    assert sorted(got) == sorted(ref) and all(torch.equal(got[k], ref[k]) for k in ref)
    assert ours._shim._hfmodel.tokenizer.get_vocab() == theirs._shim._hfmodel.tokenizer.get_vocab()
    config = [{k: v for k, v in c._model.config.to_dict().items() if k != "_name_or_path"}  # a temp folder's name
              for c in (ours._shim, theirs._shim)]
    assert config[0] == config[1]
    for a, b in zip(hidden(loaded, TEXTS), hidden(nlp, TEXTS), strict=True):
        assert np.array_equal(a, b)


@pytest.mark.slow
def test_loading_the_shipped_transformer_holds_few_copies_of_its_weights():
    """spacy-transformers' load peaks at about five copies of the weights (450 MB for MiniLM-L6), which put
    the transformer pipeline over its 1 GB memory budget; ours holds at most two at once, and a third's
    worth of slack is left for the rest of the pipeline's load."""
    weights = (Path(resolve_model("claimnlp-trf")) / "transformer" / "model").stat().st_size
    script = (
        "import claimnlp.pipeline as p\n"
        "def hwm():\n"
        "    return int(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1]) * 1024\n"
        "before = hwm()\n"
        "p.load_pipeline('claimnlp-trf')\n"
        "print(hwm() - before)\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert int(out.stdout.split()[-1]) < 3 * weights

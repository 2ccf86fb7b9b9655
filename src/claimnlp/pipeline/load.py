"""Find, assemble and load claimnlp pipelines, failing with one line that names the path."""

from __future__ import annotations

import json
from pathlib import Path

import spacy
import srsly
from spacy.language import Language
from spacy.util import registry

from ..model_paths import ModelError, resolve_model
from ..schema import FLAT_LABELS
from ..training import registry as _training_registry  # noqa: F401  (claimnlp.minilm_path.v1)
from . import (  # noqa: F401
    assessment_ruler,
    claims,
    claims_tagger,
    entity_filter,
    entity_ruler,
    fast_transformer,
    label_map,
    linker,
    quantity_values,
    tokenizer,
)


@registry.readers("claimnlp.read_patterns.v1")
def read_patterns(paths: list[str]) -> list[dict]:
    """Concatenate pattern JSONL files (an ``entity_ruler``'s or the assessment ruler's)."""
    out: list[dict] = []
    for p in paths:
        if not Path(p).is_file():
            raise ModelError(f"{p}: pattern file not found (run from the repository root)")
        try:
            out.extend(srsly.read_jsonl(p))
        except ValueError as e:  # srsly: "Invalid JSON on line 3: ..."
            raise ModelError(f"{p}: {e}") from None
    return out


def load_pipeline(name_or_path: str | None = None, config: dict | None = None) -> Language:
    """Load a pipeline directory or package and check it speaks claimnlp's labels; ``config`` holds
    overrides of its config.cfg, as ``spacy.load`` takes them (e.g. another component order)."""
    target = resolve_model(name_or_path)
    if isinstance(target, Path):
        if not target.is_dir():
            raise ModelError(f"{target}: not a pipeline directory")
        for needed in ("config.cfg", "meta.json"):
            if not (target / needed).is_file():
                raise ModelError(f"{target}: not a spaCy pipeline ({needed} is missing)")
        try:
            json.loads((target / "meta.json").read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as e:
            raise ModelError(f"{target / 'meta.json'}: corrupt ({e})") from None
    try:
        nlp = spacy.load(target, config=config or {})
    except OSError as e:
        msg = str(e).splitlines()[0]
        raise ModelError(f"{target}: cannot load pipeline ({msg})") from None
    except Exception as e:  # noqa: BLE001  (corrupt weights, bad config: spaCy raises many types)
        raise ModelError(f"{target}: cannot load pipeline ({type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''})") from None
    if is_stock_english(nlp):
        nlp.add_pipe("claimnlp_label_map")
        nlp.add_pipe("claimnlp_quantity_values")
        nlp.add_pipe("claimnlp_counts_linker")
    else:
        check_labels(nlp, str(target))
    return nlp


def is_stock_english(nlp: Language) -> bool:
    """spaCy's own English pipelines (``en_core_web_*``): scored through ``claimnlp_label_map``."""
    return nlp.lang == "en" and nlp.meta.get("name", "").startswith("core_web") and "ner" in nlp.pipe_names


def check_labels(nlp: Language, where: str) -> None:
    """Refuse a pipeline trained for another label set: its output would be silently wrong."""
    if "ner" in nlp.pipe_names:
        labels = set(getattr(nlp.get_pipe("ner"), "labels", ()))
        if labels and not labels <= set(FLAT_LABELS):
            extra = ", ".join(sorted(labels - set(FLAT_LABELS)))
            raise ModelError(f"{where}: pipeline was trained for other labels ({extra}); "
                             f"claimnlp needs {', '.join(FLAT_LABELS)}")


def assemble(config_path: str | Path, overrides: dict | None = None) -> Language:
    """Build and initialise a pipeline from a config (what ``spacy assemble`` does), for tests and scripts."""
    config = spacy.util.load_config(config_path, overrides=overrides or {}, interpolate=False)
    nlp = spacy.util.load_model_from_config(config, auto_fill=True)
    sourced = [name for name, comp in config["components"].items() if "source" in comp]
    with nlp.select_pipes(disable=sourced):  # as spacy's init_nlp: sourced components keep their weights
        nlp.initialize()
    return nlp


def model_version(nlp: Language) -> str:
    """``name-version`` as Label Studio's ``model_version`` and claim provenance use it."""
    return f"{nlp.meta.get('name', 'pipeline')}-{nlp.meta.get('version', '0.0.0')}"



"""spaCy side of claimnlp: registered components, the tokenizer, and pipeline loading."""

from ..model_paths import DEFAULT_MODEL, ModelError
from .extensions import CLAIMS_KEY
from .load import assemble, load_pipeline, model_version

__all__ = ["CLAIMS_KEY", "DEFAULT_MODEL", "ModelError", "assemble", "load_pipeline", "model_version"]

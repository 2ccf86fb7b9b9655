"""Versions from one source: the package's from its installed metadata, a pipeline's from what made it.

A trained pipeline's version is ``<release>+<hash>``: the claimnlp release that trained it and a
hash of its config and training data, so two pipelines trained differently never share a version,
batch resume re-tags after a retrain, and a record's ``pipeline`` names the exact model.
"""

from __future__ import annotations

import hashlib
from importlib.metadata import version

__version__ = version("claimnlp")


def pipeline_version(config: str, data_sha256: str, rules: str | None = None) -> str:
    """The version of a pipeline built from ``config`` (its ``config.cfg`` text) and data with this sha256.

    config (str): the pipeline's full config, as written to its ``config.cfg``.
    data_sha256 (str): hash of the training data (gold files, or pattern files for a rule pipeline).
    rules (str | None): version of the rule pipeline whose components it carries (``meta.json``
        ``claimnlp.rules``): new patterns change no config, so they must change the version this way.
    RETURNS (str): e.g. ``0.2.0+d1a9c3e4`` (PEP 440 local version).
    """
    made_from = f"{data_sha256} rules {rules}" if rules else data_sha256
    digest = hashlib.sha256(f"{config}\n{made_from}".encode()).hexdigest()[:8]
    return f"{__version__.split('+')[0]}+{digest}"

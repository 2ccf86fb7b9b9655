"""Batch tagging of whole report collections: streamed, sharded, resumable, on local workers or a dask cluster.

``run_batch`` is the entry point; ``open_tagger`` picks where the pipeline runs. The output directory
holds ``records-NNNNN.jsonl`` shards (spec records), ``claims-NNNNN.jsonl`` beside each, ``manifest.jsonl``
(what every shard holds, by content hash and pipeline version), ``errors.jsonl`` and, with ``claims``,
one ``claims.jsonl``.
"""

from .backends import open_tagger
from .runner import BatchOptions, Summary, run_batch

__all__ = ["BatchOptions", "Summary", "open_tagger", "run_batch"]

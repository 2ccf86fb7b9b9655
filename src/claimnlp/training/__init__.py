"""Training claimnlp pipelines with ``spacy train``: gold JSONL to DocBin, registered functions, runs."""

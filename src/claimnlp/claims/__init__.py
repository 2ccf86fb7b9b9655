"""The claim layer: StatisticClaim and AssessmentClaim rows with provenance (also as ``doc._.claims``)."""

from .extract import COLUMNS, extract

__all__ = ["COLUMNS", "extract"]

"""The claim layer: StatisticClaim and AssessmentClaim rows with provenance.

Importing it registers ``doc._.claims`` (the rows of ``extract`` with the pipeline column left
empty): the claim layer sits above the pipeline package, so the pipeline cannot register it.
"""

from spacy.tokens import Doc

from .extract import COLUMNS, extract

if not Doc.has_extension("claims"):
    Doc.set_extension("claims", getter=extract)

__all__ = ["COLUMNS", "extract"]

"""claimnlp: checked, structured claims from annual monitoring reports."""

from .version import __version__

__all__ = ["__version__"]

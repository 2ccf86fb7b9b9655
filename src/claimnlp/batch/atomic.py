"""Cleaning up after a killed run: shards are written whole or not at all by ``io.write_lines_atomic``."""

from __future__ import annotations

from pathlib import Path

TMP_GLOB = ".*.tmp"


def remove_leftover_tmp(out_dir: Path) -> None:
    """Temporary files a killed run left behind (``io.write_atomic`` cleans up after anything but SIGKILL)."""
    for tmp in out_dir.glob(TMP_GLOB):
        tmp.unlink(missing_ok=True)

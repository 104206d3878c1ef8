"""Perceptual-hash comparison: Hamming distance and the bands that index near duplicates."""

from __future__ import annotations

# imagehash's README shows a 1° rotation moving ~2 of 64 phash bits and a 6° rotation ~11:
# re-encoding or resizing the same picture stays within a few bits, a different shot does not.
NEAR_DUPLICATE_BITS = 6


def hamming(a_hex: str, b_hex: str) -> int:
    """Return the number of differing bits between two equal-length hex hashes."""
    if len(a_hex) != len(b_hex):
        raise ValueError(f"hashes differ in length: {len(a_hex)} vs {len(b_hex)} hex digits")
    return (int(a_hex, 16) ^ int(b_hex, 16)).bit_count()

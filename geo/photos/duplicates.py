"""Perceptual-hash comparison: Hamming distance and the bands that index near duplicates.

Multi-index hashing (Norouzi, Punjani & Fleet, "Fast search in Hamming space with
multi-index hashing", CVPR 2012): the 64-bit pHash is cut into PHASH_BANDS bands that are
stored as indexed integers. If two hashes differ in at most d bits, some band differs in at
most d // PHASH_BANDS bits (pigeonhole), so probing every band with the values within that
radius of its own finds every near duplicate; the exact distance is then checked on those
few candidates only.
"""

from __future__ import annotations

from functools import cache
from itertools import combinations

# imagehash's README shows a 1° rotation moving ~2 of 64 phash bits and a 6° rotation ~11:
# re-encoding or resizing the same picture stays within a few bits, a different shot does not.
NEAR_DUPLICATE_BITS = 6
PHASH_BITS = 64
# 4 bands of 16 bits, probed within 6 // 4 = 1 bit: 4 x 17 = 68 indexed values per photo,
# and ~68 / 65,536 of the archive as candidates (~100 of 100,000 random hashes). With 7 bands
# of ~9 bits probed exactly (d + 1 bands, radius 0) it would be 7 / 512 (~1,400 of 100,000).
PHASH_BANDS = 4


def hamming(a_hex: str, b_hex: str) -> int:
    """Return the number of differing bits between two equal-length hex hashes."""
    if len(a_hex) != len(b_hex):
        raise ValueError(f"hashes differ in length: {len(a_hex)} vs {len(b_hex)} hex digits")
    return (int(a_hex, 16) ^ int(b_hex, 16)).bit_count()


def band_widths(bands: int = PHASH_BANDS, bits: int = PHASH_BITS) -> tuple[int, ...]:
    """Return the width in bits of each band, most significant first (wider bands first)."""
    if not 1 <= bands <= bits:
        raise ValueError(f"cannot cut {bits} bits into {bands} bands")
    return tuple(bits // bands + (1 if i < bits % bands else 0) for i in range(bands))


def phash_bands(phash_hex: str, bands: int = PHASH_BANDS) -> tuple[int, ...]:
    """Return the hash's bands as integers, most significant band first."""
    if len(phash_hex) * 4 != PHASH_BITS:
        raise ValueError(f"expected a {PHASH_BITS}-bit hex hash, got {len(phash_hex)} digits")
    value = int(phash_hex, 16)
    out = []
    shift = PHASH_BITS
    for width in band_widths(bands):
        shift -= width
        out.append((value >> shift) & ((1 << width) - 1))
    return tuple(out)


@cache
def _masks(width: int, radius: int) -> tuple[int, ...]:
    """Return the XOR masks that flip at most `radius` of `width` bits."""
    return tuple(
        sum(1 << bit for bit in flipped)
        for r in range(radius + 1)
        for flipped in combinations(range(width), r)
    )


def _within(value: int, width: int, radius: int) -> frozenset[int]:
    """Return every `width`-bit value at most `radius` bits away from `value`."""
    return frozenset(value ^ mask for mask in _masks(width, radius))


def band_probes(
    phash_hex: str, max_bits: int = NEAR_DUPLICATE_BITS, bands: int = PHASH_BANDS
) -> tuple[frozenset[int], ...]:
    """Return, per band, the values a hash within max_bits of this one may have there; any
    such hash matches at least one band (pigeonhole), most other hashes match none."""
    radius = max_bits // bands
    pairs = zip(phash_bands(phash_hex, bands), band_widths(bands), strict=True)
    return tuple(_within(value, width, radius) for value, width in pairs)

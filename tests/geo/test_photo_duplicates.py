"""Tests for geo.photos.duplicates: hash bands and the pigeonhole guarantee of the probes."""

import random

import pytest

from geo.photos import NEAR_DUPLICATE_BITS, hamming
from geo.photos.duplicates import PHASH_BANDS, band_probes, band_widths, phash_bands


def _flip(phash: int, bits: list[int]) -> int:
    for bit in bits:
        phash ^= 1 << bit
    return phash


def _hex(value: int) -> str:
    return f"{value:016x}"


def test_bands_cut_the_hash_most_significant_first() -> None:
    assert band_widths() == (16, 16, 16, 16)
    assert phash_bands("0123456789abcdef") == (0x0123, 0x4567, 0x89AB, 0xCDEF)
    assert band_widths(7) == (10, 9, 9, 9, 9, 9, 9)
    assert phash_bands("ffffffffffffffff", 7) == (1023, 511, 511, 511, 511, 511, 511)
    assert phash_bands("8000000000000001", 7) == (512, 0, 0, 0, 0, 0, 1)
    with pytest.raises(ValueError, match="64-bit"):
        phash_bands("ff")
    with pytest.raises(ValueError, match="bands"):
        band_widths(65)


def test_probe_sizes() -> None:
    probes = band_probes("0123456789abcdef")
    assert [len(p) for p in probes] == [17] * PHASH_BANDS  # itself + 16 one-bit neighbours
    assert all(v in p for v, p in zip(phash_bands("0123456789abcdef"), probes, strict=True))
    assert [len(p) for p in band_probes("0123456789abcdef", 6, 7)] == [1] * 7  # d + 1: exact


@pytest.mark.parametrize("bands", [PHASH_BANDS, NEAR_DUPLICATE_BITS + 1, 3, 5])
def test_every_pair_within_the_threshold_shares_a_probed_band(bands: int) -> None:
    # Pigeonhole: d differing bits spread over k bands leave some band with <= d // k of them.
    rng = random.Random(20261202)
    for _ in range(2000):
        a = rng.getrandbits(64)
        distance = rng.randint(0, NEAR_DUPLICATE_BITS)
        b = _flip(a, rng.sample(range(64), distance))
        assert hamming(_hex(a), _hex(b)) == distance
        probes = band_probes(_hex(a), NEAR_DUPLICATE_BITS, bands)
        other = phash_bands(_hex(b), bands)
        assert any(v in p for v, p in zip(other, probes, strict=True)), (_hex(a), _hex(b))


def test_worst_case_spread_still_shares_a_band() -> None:
    # The adversarial layout: the differing bits spread as evenly as possible over the bands.
    a = 0x0123456789ABCDEF
    b = _flip(a, [0, 1, 16, 17, 32, 48])  # 2, 2, 1, 1 bits in the four bands
    probes = band_probes(_hex(a))
    matched = [v in p for v, p in zip(phash_bands(_hex(b)), probes, strict=True)]
    assert matched == [True, True, False, False]  # the two 1-bit bands (least significant last)


def test_distant_hashes_rarely_share_a_probed_band() -> None:
    rng = random.Random(7)
    hits = 0
    for _ in range(10_000):
        a, b = _hex(rng.getrandbits(64)), _hex(rng.getrandbits(64))
        probes = band_probes(a)
        hits += any(v in p for v, p in zip(phash_bands(b), probes, strict=True))
    assert hits / 10_000 < 68 / 65_536 * 3  # ~0.1 %: the index leaves few candidates

"""Volunteer snap-and-report (随手拍) photos: format checks, EXIF, safe copies, location.

Pure package: no web or database imports. `formats` sniffs magic bytes, `exif` reads hostile
EXIF without raising, `decode` checks and decodes an upload into metadata-free copies,
`duplicates` compares perceptual hashes, `location` decides where and when a report was made.
"""

from geo.photos.decode import (
    CheckedPhoto,
    DecodedPhoto,
    PhotoLimits,
    ProcessedPhoto,
    decode_photo,
    display_copy,
    perceptual_hash,
    pixel_count,
    process_photo,
    thumbnail,
)
from geo.photos.duplicates import NEAR_DUPLICATE_BITS, hamming
from geo.photos.exif import ExifInfo, read_exif
from geo.photos.formats import HEIC_SUPPORTED, PhotoError, sniff_format
from geo.photos.location import FUTURE_TOLERANCE, LocationDecision, decide_location, time_flags

__all__ = [
    "FUTURE_TOLERANCE",
    "HEIC_SUPPORTED",
    "NEAR_DUPLICATE_BITS",
    "CheckedPhoto",
    "DecodedPhoto",
    "ExifInfo",
    "LocationDecision",
    "PhotoError",
    "PhotoLimits",
    "ProcessedPhoto",
    "decide_location",
    "decode_photo",
    "display_copy",
    "hamming",
    "perceptual_hash",
    "pixel_count",
    "process_photo",
    "read_exif",
    "sniff_format",
    "thumbnail",
    "time_flags",
]

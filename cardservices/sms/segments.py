"""How many SMS segments a text takes: GSM-7 when every character is in the GSM 03.38
alphabet (its extension table costs two septets each), UCS-2 otherwise.

A single SMS holds 160 GSM-7 septets or 70 UCS-2 units; a longer text is split into
parts of 153 septets or 67 units (the rest carries the concatenation header). An escape
pair or a surrogate pair is never split across parts. static/js/cardservices.js mirrors
this; keep the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67


@dataclass(frozen=True)
class SegmentCount:
    encoding: str  # "GSM-7" or "UCS-2"
    characters: int  # what the user typed, as they count it (code points)
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int
    per_segment: int  # capacity of each part at this length


def is_gsm7(text: str) -> bool:
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text)


def _split(sizes: list[int], part: int) -> int:
    """Parts needed when each item of ``sizes`` must stay whole within a part."""
    parts, used = 1, 0
    for size in sizes:
        if used + size > part:
            parts += 1
            used = 0
        used += size
    return parts


def count_segments(text: str) -> SegmentCount:
    if is_gsm7(text):
        sizes = [2 if ch in GSM7_EXTENSION else 1 for ch in text]
        single, part, encoding = GSM7_SINGLE, GSM7_PART, "GSM-7"
    else:
        sizes = [2 if ord(ch) > 0xFFFF else 1 for ch in text]
        single, part, encoding = UCS2_SINGLE, UCS2_PART, "UCS-2"
    units = sum(sizes)
    if units == 0:
        segments, capacity = 0, single
    elif units <= single:
        segments, capacity = 1, single
    else:
        segments, capacity = _split(sizes, part), part
    return SegmentCount(
        encoding=encoding,
        characters=len(text),
        units=units,
        segments=segments,
        per_segment=capacity,
    )

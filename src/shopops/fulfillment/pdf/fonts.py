"""The Chinese font of the printed documents. No CJK TrueType font ships with the servers, so
we use reportlab's built-in Adobe CID font STSong-Light: printers and PDF readers carry it,
and its Unicode CMap keeps the text extractable (tests read the address back out)."""

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont

FONT = "STSong-Light"
_registered = False


def chinese_font() -> str:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True
    return FONT


def wrap(text: str, width: float, size: float) -> list[str]:
    """Break `text` into lines no wider than `width` points. Chinese has no spaces to break
    at, so this measures character by character (canvas drawing has no wrapping)."""
    font = chinese_font()
    lines, current = [], ""
    for char in text or "":
        if char == "\n":
            lines.append(current)
            current = ""
            continue
        if current and pdfmetrics.stringWidth(current + char, font, size) > width:
            lines.append(current)
            current = char.lstrip()
        else:
            current += char
    if current:
        lines.append(current)
    return lines

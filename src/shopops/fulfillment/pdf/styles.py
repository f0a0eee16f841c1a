"""Paragraph styles of the printed documents, all in the Chinese font."""

from functools import cache

from reportlab.lib.styles import ParagraphStyle

from .fonts import chinese_font


@cache
def style(size=10, leading=None, color="#000000", align=0) -> ParagraphStyle:
    return ParagraphStyle(f"cn{size}{color}{align}", fontName=chinese_font(), fontSize=size,
                          leading=leading or size * 1.3, textColor=color, alignment=align,
                          wordWrap="CJK")

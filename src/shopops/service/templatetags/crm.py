"""{% load crm %}: small display helpers of the customer, quality and review pages."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def score_band(score):
    """ok (≥ 90), warn (≥ 75), bad, or none — the colour of a quality score."""
    if score is None or score == "":
        return "none"
    score = float(score)
    return "ok" if score >= 90 else "warn" if score >= 75 else "bad"


@register.filter
def stars(rating):
    rating = int(rating or 0)
    return format_html('<span class="stars" title="{} 星">{}<span class="off">{}</span></span>',
                       rating, "★" * rating, "★" * (5 - rating))


@register.filter
def percent(value):
    """0.4567 → "45.7%"; None → "—"."""
    if value is None:
        return "—"
    return f"{value * 100:.1f}%"


BAR_FLOOR = 50  # the trend bars' axis starts here: averages live between 70 and 100


@register.filter
def bar_height(score):
    """An average score as a CSS height on a 50–100 axis (a sliver at or below 50)."""
    if score is None:
        return "0%"
    share = (float(score) - BAR_FLOOR) / (100 - BAR_FLOOR) * 100
    return f"{min(100, max(share, 3)):.0f}%"

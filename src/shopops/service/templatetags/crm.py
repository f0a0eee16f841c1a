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


@register.filter
def bar_height(score):
    """A score 0–100 as a CSS height (a thin sliver for 0 so the bar stays visible)."""
    if score is None:
        return "0%"
    return f"{max(float(score), 2):.0f}%"

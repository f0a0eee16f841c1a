"""{% load staff_measures %}: {{ rate|percent }} → "93.3%" (a Decimal 0–1), "—" for none."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def percent(value):
    if value is None or value == "":
        return "—"
    return f"{Decimal(value) * 100:.1f}%"

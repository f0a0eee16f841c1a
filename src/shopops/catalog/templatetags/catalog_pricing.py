"""Compact price and listing panels for the product page (CAT-2, CAT-4, CAT-8).

    {% load catalog_pricing %}
    {% pricing_panel product %}   current prices per channel, last 5 changes, 申请调价
    {% listing_panel product %}   listing state per channel, 申请上架 / 申请下架

Buttons show only to people whose post may propose the kind (the forms check again).
"""

from django import template

from shopops.core.actions.approvals import can_propose
from shopops.core.models import Proposal

from ..actions import listing, pricing
from ..models import Channel, Listing, PriceChange

register = template.Library()
OPEN = (Proposal.State.PENDING, Proposal.State.APPROVED)


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None) or context.get("user")


def _open_proposals(product, kinds):
    return list(Proposal.objects.filter(
        kind__in=kinds, state__in=OPEN, subject_type=product._meta.label_lower,
        subject_id=str(product.pk)).order_by("-created_at", "-id")[:10])


@register.inclusion_tag("catalog/pricing/_panel.html", takes_context=True)
def pricing_panel(context, product):
    user = _user(context)
    skus = list(product.skus.filter(active=True))
    channels = list(Channel.objects.filter(active=True))
    current = pricing.current_prices([s.pk for s in skus], [c.pk for c in channels])
    rows = []
    for sku in skus:
        cells = []
        for channel in channels:
            own = current.get((sku.pk, channel.pk))
            cells.append({"own": own, "effective": own if own is not None else sku.price_fen})
        rows.append({"sku": sku, "cells": cells})
    changes = list(PriceChange.objects.filter(sku__product=product)
                   .select_related("sku", "channel", "actor").order_by("-at", "-id")[:5])
    return {"product": product, "channels": channels, "rows": rows, "changes": changes,
            "open": _open_proposals(product, [pricing.KIND]),
            "can_propose": bool(user and user.is_authenticated
                                and can_propose(user, pricing.KIND))}


@register.inclusion_tag("catalog/listing/_panel.html", takes_context=True)
def listing_panel(context, product):
    user = _user(context)
    states = listing.listing_states(product)
    rows = [{"channel": c, "listing": states.get(c.pk)} for c in Channel.objects.filter(active=True)]
    listed = [r for r in rows if r["listing"] and (
        r["listing"].state == Listing.State.LISTED
        or r["listing"].delist_reason == Listing.DelistReason.STOCK_ZERO)]
    signed_in = bool(user and user.is_authenticated)
    return {"product": product, "rows": rows,
            "open": _open_proposals(product, [listing.LISTING_KIND, listing.DELISTING_KIND]),
            "can_list": signed_in and product.status == product.Status.ACTIVE
            and any(not r["listing"] or r["listing"].state != Listing.State.LISTED for r in rows)
            and can_propose(user, listing.LISTING_KIND),
            "can_delist": signed_in and bool(listed) and can_propose(user, listing.DELISTING_KIND)}

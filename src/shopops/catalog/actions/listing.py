"""Listing and delisting per channel (CAT-2, CAT-3, CAT-8).

Listing (上架) and any delisting other than running out of stock (非正常下架) go through
proposals: proposed, approved by the manager, executed by the web editor. Normal
delisting is automatic: the ledger calls `stock_changed` after every stock change and a
listed product whose sellable stock reached zero leaves every channel (delist_reason
stock_zero); with catalog.auto_relist on it comes back when stock returns. A product
delisted by approval never comes back by itself.
"""

from django.db.models import Q
from django.utils import timezone

from shopops.core import events
from shopops.core.actions import approvals
from shopops.core.errors import ConflictError, NotFoundError, UserError
from shopops.core.models import Proposal
from shopops.core.registry import setting

from ..models import Channel, Listing, Product

LISTING_KIND = "product_listing"
DELISTING_KIND = "product_delisting"
L = Listing.State
R = Listing.DelistReason


# --- reading ------------------------------------------------------------------------------


def listing_states(product) -> dict[int, Listing]:
    """channel id → the product's Listing row (channels never listed have none)."""
    return {row.channel_id: row for row in Listing.objects.filter(product=product)}


def _channel_names(ids) -> str:
    names = dict(Channel.objects.filter(pk__in=list(ids or [])).values_list("pk", "name"))
    return "、".join(names.get(pk, f"渠道{pk}") for pk in ids or []) or "—"


def describe_listing(payload) -> str:
    return f"{payload.get('product_label', '')} 上架到 {_channel_names(payload.get('channel_ids'))}"


def describe_delisting(payload) -> str:
    return (f"{payload.get('product_label', '')} 从 {_channel_names(payload.get('channel_ids'))}"
            f" 下架：{payload.get('reason', '')}")


# --- checking -----------------------------------------------------------------------------


def _ids(values, field) -> list[int]:
    if not isinstance(values, list) or not values:
        raise UserError("no_channels", "请至少选择一个渠道。", "Choose at least one channel.")
    try:
        ids = [int(v) for v in values if not isinstance(v, bool)]
    except (TypeError, ValueError):
        raise UserError("bad_payload", "申请内容格式不正确：{field}", "Malformed payload: {field}",
                        field=field) from None
    if len(ids) != len(values) or len(set(ids)) != len(ids):
        raise UserError("bad_payload", "申请内容格式不正确：{field}", "Malformed payload: {field}",
                        field=field)
    return ids


def _target(payload):
    try:
        product = Product.objects.filter(pk=int(payload.get("product_id"))).first()
    except (TypeError, ValueError):
        product = None
    if product is None:
        raise NotFoundError("product_not_found", "商品不存在（编号 {pk}）。", "No product with id {pk}.",
                            pk=payload.get("product_id"))
    ids = _ids(payload.get("channel_ids"), "channel_ids")
    channels = {c.pk: c for c in Channel.objects.filter(pk__in=ids)}
    for pk in ids:
        if pk not in channels or not channels[pk].active:
            raise UserError("channel_inactive", "渠道「{channel}」不存在或已停用。",
                            "Channel '{channel}' does not exist or is inactive.",
                            channel=channels[pk].name if pk in channels else pk)
    return product, [channels[pk] for pk in ids]


def _no_open_duplicate(kind, product, channels):
    """Two open proposals for the same product and channel would only confuse the editor."""
    wanted = {c.pk for c in channels}
    for pk, payload in Proposal.objects.filter(
            kind=kind, subject_type=product._meta.label_lower, subject_id=str(product.pk),
            state__in=(Proposal.State.PENDING, Proposal.State.APPROVED)
    ).values_list("pk", "payload"):
        if wanted & set(payload.get("channel_ids") or []):
            raise ConflictError("open_proposal_exists",
                                "该商品在所选渠道已有处理中的申请 #{pk}，请勿重复提交。",
                                "Proposal #{pk} for this product and channel is still open.",
                                pk=pk)


def _listable(product, channels):
    if product.status != Product.Status.ACTIVE:
        raise UserError("product_not_active", "商品「{product}」不是在售状态（{status}），不能上架。",
                        "Product '{product}' is not active ({status}).",
                        product=product.title, status=product.get_status_display())
    states = listing_states(product)
    for channel in channels:
        row = states.get(channel.pk)
        if row is not None and row.state == L.LISTED:
            raise ConflictError("already_listed", "商品已在「{channel}」上架。",
                                "The product is already listed in '{channel}'.",
                                channel=channel.name)


def _delistable(product, channels) -> dict[int, Listing]:
    states = listing_states(product)
    for channel in channels:
        row = states.get(channel.pk)
        # A stock-zero delisting may still become an approved one (so it stays down).
        if row is None or not (row.state == L.LISTED or (
                row.state == L.DELISTED and row.delist_reason == R.STOCK_ZERO)):
            raise ConflictError("not_listed", "商品未在「{channel}」上架，无需下架。",
                                "The product is not listed in '{channel}'.", channel=channel.name)
    return states


def check_listing(*, payload, actor=None):
    product, channels = _target(payload)
    _listable(product, channels)
    _no_open_duplicate(LISTING_KIND, product, channels)


def check_delisting(*, payload, actor=None):
    product, channels = _target(payload)
    if not str(payload.get("reason") or "").strip():
        raise UserError("reason_required", "请填写下架原因。", "Give the reason for delisting.")
    _delistable(product, channels)
    _no_open_duplicate(DELISTING_KIND, product, channels)


# --- proposing ----------------------------------------------------------------------------


def propose_listing(*, actor, product, channels, reason=""):
    channels = list(channels)
    payload = {"product_id": product.pk, "product_label": str(product),
               "channel_ids": [c.pk for c in channels]}
    names = "、".join(c.name for c in channels)
    return approvals.propose(actor=actor, kind=LISTING_KIND, payload=payload, reason=reason,
                             subject=product, title=f"上架：{product.title} → {names}")


def propose_delisting(*, actor, product, channels, reason):
    channels = list(channels)
    reason = (reason or "").strip()
    payload = {"product_id": product.pk, "product_label": str(product),
               "channel_ids": [c.pk for c in channels], "reason": reason}
    names = "、".join(c.name for c in channels)
    return approvals.propose(actor=actor, kind=DELISTING_KIND, payload=payload, reason=reason,
                             subject=product, title=f"下架：{product.title}（{names}）")


# --- executing ----------------------------------------------------------------------------


def _moved(row_filter, **values) -> bool:
    """A conditional UPDATE of one listing: only while it is still in the state we saw."""
    return Listing.objects.filter(**row_filter).update(**values) == 1


def apply_listing(*, proposal, actor):
    product, channels = _target(proposal.payload)
    _listable(product, channels)
    now = timezone.now()
    states = listing_states(product)
    changes = {}
    for channel in channels:
        row = states.get(channel.pk) or Listing.objects.get_or_create(
            product=product, channel=channel)[0]
        if not _moved({"pk": row.pk, "state": row.state}, state=L.LISTED, listed_at=now,
                      delist_reason=""):
            raise ConflictError("listing_changed", "「{channel}」的上架状态刚被更改，请刷新后重试。",
                                "The listing in '{channel}' just changed; reload and retry.",
                                channel=channel.name)
        changes[channel.name] = [row.get_state_display(), L.LISTED.label]
    events.record(actor=actor, verb="listing.listed", obj=product,
                  summary=f"上架（申请 #{proposal.pk}）：{'、'.join(changes)}", changes=changes,
                  data={"proposal": proposal.pk, "channel_ids": [c.pk for c in channels]})
    return {"上架渠道": "、".join(changes)}


def apply_delisting(*, proposal, actor):
    product, channels = _target(proposal.payload)
    states = _delistable(product, channels)
    now = timezone.now()
    changes = {}
    for channel in channels:
        row = states[channel.pk]
        values = {"state": L.DELISTED, "delist_reason": R.APPROVED}
        if row.state == L.LISTED:
            values["delisted_at"] = now
        if not _moved({"pk": row.pk, "state": row.state, "delist_reason": row.delist_reason},
                      **values):
            raise ConflictError("listing_changed", "「{channel}」的上架状态刚被更改，请刷新后重试。",
                                "The listing in '{channel}' just changed; reload and retry.",
                                channel=channel.name)
        before = row.get_state_display() + (f"（{row.get_delist_reason_display()}）"
                                             if row.delist_reason else "")
        changes[channel.name] = [before, f"{L.DELISTED.label}（{R.APPROVED.label}）"]
    reason = proposal.payload.get("reason", "")
    events.record(actor=actor, verb="listing.delisted", obj=product,
                  summary=f"审批下架（申请 #{proposal.pk}）：{'、'.join(changes)}；原因：{reason}",
                  changes=changes,
                  data={"proposal": proposal.pk, "channel_ids": [c.pk for c in channels],
                        "reason": reason})
    return {"下架渠道": "、".join(changes)}


# --- automatic delisting and relisting (CAT-3) --------------------------------------------


def sellable_available(product_ids) -> dict[int, int]:
    # Imported here: the ledger imports this module to call stock_changed.
    from shopops.inventory.ledger import sellable_available as available

    return available(product_ids)


def stock_changed(*, product_ids, actor=None):
    """Called by the stock ledger in its transaction after every change. Two reads: the
    products' sellable availability and their listed / stock-delisted listings. The actor
    of the stock change is recorded in the event's data; the delisting itself is the
    system's doing (actor None)."""
    ids = sorted({int(pk) for pk in product_ids or []})
    if not ids:
        return {"delisted": [], "relisted": []}
    available = sellable_available(ids)
    rows = list(Listing.objects.filter(product_id__in=ids).filter(
        Q(state=L.LISTED) | Q(state=L.DELISTED, delist_reason=R.STOCK_ZERO))
        .select_related("product", "channel").order_by("product_id", "channel_id"))
    relist = bool(rows) and setting("catalog.auto_relist")
    now = timezone.now()
    down: dict[int, list[Listing]] = {}
    up: dict[int, list[Listing]] = {}
    for row in rows:
        stock = available.get(row.product_id, 0)
        if row.state == L.LISTED and stock <= 0:
            if _moved({"pk": row.pk, "state": L.LISTED}, state=L.DELISTED,
                      delist_reason=R.STOCK_ZERO, delisted_at=now):
                down.setdefault(row.product_id, []).append(row)
        elif (row.state == L.DELISTED and stock > 0 and relist and row.channel.active
              and row.product.status == Product.Status.ACTIVE):
            if _moved({"pk": row.pk, "state": L.DELISTED, "delist_reason": R.STOCK_ZERO},
                      state=L.LISTED, delist_reason="", listed_at=now):
                up.setdefault(row.product_id, []).append(row)
    cause = {"stock_actor": actor.pk if actor is not None and actor.pk else None}
    for moved, verb, label, before, after in (
            (down, "listing.auto_delisted", "可售库存为零，自动下架", L.LISTED.label,
             f"{L.DELISTED.label}（{R.STOCK_ZERO.label}）"),
            (up, "listing.auto_relisted", "可售库存恢复，自动重新上架",
             f"{L.DELISTED.label}（{R.STOCK_ZERO.label}）", L.LISTED.label)):
        for product_id, listings in moved.items():
            names = [row.channel.name for row in listings]
            events.record(actor=None, verb=verb, obj=listings[0].product,
                          summary=f"{label}：{'、'.join(names)}",
                          changes={name: [before, after] for name in names},
                          data={**cause, "available": available.get(product_id, 0),
                                "channel_ids": [row.channel_id for row in listings]})
    return {"delisted": sorted(down), "relisted": sorted(up)}

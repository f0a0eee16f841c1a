"""Prices (CAT-4, CAT-8): the product manager proposes, the manager approves, the web editor
executes. One proposal may reprice several SKUs of a product, each either its base price
(channel_id None) or its own price in one channel.

The payload keeps the old price every line was proposed against. Proposing checks it is
still current; executing changes each price with a conditional UPDATE on that old value,
so a price moved meanwhile (another proposal, an import) refuses the whole execution
with a conflict instead of silently overwriting it.

Competitor prices are recorded per product (CAT-4, ANA-6) and cited by a proposal.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from shopops.core import events
from shopops.core.access import require
from shopops.core.actions import approvals
from shopops.core.errors import ConflictError, NotFoundError, UserError
from shopops.core.money import MAX_YUAN, format_fen

from ..models import Channel, ChannelPrice, CompetitorPrice, PriceChange, Product, Sku

KIND = "price_change"
MAX_LINES = 200
MAX_FEN = int(MAX_YUAN) * 100
BASE = "基准价"


# --- reading ------------------------------------------------------------------------------


def current_prices(sku_ids, channel_ids=None) -> dict:
    """{(sku_id, channel_id): fen} of the channel prices that exist, and {(sku_id, None): fen}
    for the base prices. Two queries whatever the number of SKUs."""
    out = {(pk, None): fen for pk, fen in Sku.objects.filter(pk__in=list(sku_ids))
           .values_list("pk", "price_fen")}
    rows = ChannelPrice.objects.filter(sku_id__in=list(sku_ids))
    if channel_ids is not None:
        rows = rows.filter(channel_id__in=list(channel_ids))
    for sku_id, channel_id, fen in rows.values_list("sku_id", "channel_id", "price_fen"):
        out[(sku_id, channel_id)] = fen
    return out


def sku_label(sku) -> str:
    spec = " ".join(str(v) for v in (sku.attributes or {}).values())
    return f"{sku.code} {spec}".strip()


def line_text(line: dict) -> str:
    """One payload line as people read it: "P001-01 藏青 M · 天猫：¥199.00 → ¥179.00（-10.1%）"."""
    old, new = line.get("old_fen"), line.get("new_fen")
    where = line.get("channel_name") or (BASE if line.get("channel_id") is None
                                         else f"渠道{line.get('channel_id')}")
    before = format_fen(old) if old is not None else "（沿用基准价）"
    text = f"{line.get('sku_label') or line.get('sku_id')} · {where}：{before} → " + (
        format_fen(new) if isinstance(new, int) else str(new))
    if isinstance(old, int) and isinstance(new, int) and old > 0:
        text += f"（{(new - old) * 100 / old:+.1f}%）"
    return text


def describe_price_change(payload) -> str:
    lines = payload.get("prices") or []
    head = payload.get("product_label") or f"商品 {payload.get('product_id')}"
    if not lines:
        return head
    first = line_text(lines[0])
    more = f" 等 {len(lines)} 项" if len(lines) > 1 else ""
    return f"{head}：{first}{more}"


# --- checking -----------------------------------------------------------------------------


def _int(value, field):
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    try:
        if isinstance(value, bool):
            raise ValueError
        return int(str(value).strip())
    except (TypeError, ValueError):
        raise UserError("bad_payload", "调价内容格式不正确：{field}",
                        "Malformed price change: {field}", field=field) from None


def _product(product_id) -> Product:
    product = Product.objects.filter(pk=_int(product_id, "product_id")).first()
    if product is None:
        raise NotFoundError("product_not_found", "商品不存在（编号 {pk}）。",
                            "No product with id {pk}.", pk=product_id)
    return product


def _lines(payload) -> list[dict]:
    lines = payload.get("prices")
    if not isinstance(lines, list) or not lines:
        raise UserError("no_price_lines", "请至少填写一个新价格。", "Enter at least one new price.")
    if len(lines) > MAX_LINES:
        raise UserError("too_many_lines", "一次调价最多 {max} 项，请分批申请。",
                        "At most {max} prices per proposal.", max=MAX_LINES)
    out = []
    for line in lines:
        if not isinstance(line, dict):
            raise UserError("bad_payload", "调价内容格式不正确：prices", "Malformed price change")
        channel = line.get("channel_id")
        old = line.get("old_fen")
        out.append({**line, "sku_id": _int(line.get("sku_id"), "sku_id"),
                    "channel_id": None if channel in (None, "") else _int(channel, "channel_id"),
                    "old_fen": None if old is None else _int(old, "old_fen"),
                    "new_fen": _int(line.get("new_fen"), "new_fen")})
    return out


def _channels(lines) -> dict[int, Channel]:
    ids = {line["channel_id"] for line in lines if line["channel_id"] is not None}
    channels = {c.pk: c for c in Channel.objects.filter(pk__in=ids)}
    for pk in ids:
        channel = channels.get(pk)
        if channel is None or not channel.active:
            raise UserError("channel_inactive", "渠道「{channel}」不存在或已停用。",
                            "Channel '{channel}' does not exist or is inactive.",
                            channel=channel.name if channel else pk)
    return channels


def _stale(sku, channel, old, now):
    where = channel.name if channel else BASE
    return ConflictError(
        "price_moved",
        "价格已变动：{sku}（{where}）申请时为 {old}，现为 {now}。请按现价重新提交调价申请。",
        "The price moved: {sku} ({where}) was {old_en} when proposed and is {now_en} now. "
        "Propose again from the current price.",
        sku=sku_label(sku), where=where, old=_fen_or_base(old), now=_fen_or_base(now),
        old_en=_fen_or_base(old, en=True), now_en=_fen_or_base(now, en=True))


def _fen_or_base(fen, en=False):
    if fen is None:
        return "base price" if en else "沿用基准价"
    return format_fen(fen)


def check_price_change(*, payload, actor=None):
    """validate= of the price_change kind: everything a proposal must satisfy now."""
    product = _product(payload.get("product_id"))
    if product.status == Product.Status.DISCONTINUED:
        raise UserError("product_discontinued", "商品「{product}」已停产，不能调价。",
                        "Product '{product}' is discontinued.", product=product.title)
    lines = _lines(payload)
    skus = {s.pk: s for s in Sku.objects.filter(product=product)}
    channels = _channels(lines)
    current = current_prices(skus, channels)
    seen = set()
    for line in lines:
        sku = skus.get(line["sku_id"])
        if sku is None or not sku.active:
            raise UserError("sku_not_in_product", "SKU（编号 {pk}）不属于该商品或已停用。",
                            "SKU {pk} is not an active SKU of this product.", pk=line["sku_id"])
        key = (sku.pk, line["channel_id"])
        channel = channels.get(line["channel_id"])
        where = channel.name if channel else BASE
        if key in seen:
            raise UserError("duplicate_line", "{sku}（{where}）重复填写。",
                            "{sku} ({where}) appears twice.", sku=sku_label(sku), where=where)
        seen.add(key)
        if line["new_fen"] <= 0:
            raise UserError("price_not_positive", "{sku}（{where}）的新价格必须大于 0。",
                            "The new price of {sku} ({where}) must be above zero.",
                            sku=sku_label(sku), where=where)
        if line["new_fen"] > MAX_FEN:
            raise UserError("price_too_large", "{sku}（{where}）的新价格过大。",
                            "The new price of {sku} ({where}) is too large.",
                            sku=sku_label(sku), where=where)
        if current.get(key) != line["old_fen"]:
            raise _stale(sku, channel, line["old_fen"], current.get(key))
        if line["new_fen"] == line["old_fen"]:
            raise UserError("price_unchanged", "{sku}（{where}）的新价格与现价相同。",
                            "The new price of {sku} ({where}) equals the current one.",
                            sku=sku_label(sku), where=where)
    if not str(payload.get("reason") or "").strip():
        raise UserError("reason_required", "请填写调价原因（如竞品分析结论）。",
                        "Give the reason for the price change.")
    cited = payload.get("competitor_price_ids") or []
    if not isinstance(cited, list):
        raise UserError("bad_payload", "调价内容格式不正确：competitor_price_ids",
                        "Malformed price change")
    ids = {_int(pk, "competitor_price_ids") for pk in cited}
    if ids and CompetitorPrice.objects.filter(pk__in=ids, product=product).count() != len(ids):
        raise UserError("competitor_price_not_found", "引用的竞品价格记录不属于该商品。",
                        "A cited competitor price does not belong to this product.")


# --- proposing ----------------------------------------------------------------------------


def propose_price_change(*, actor, product, prices, reason, competitor_price_ids=(), title=""):
    """prices: [{"sku_id", "channel_id" (None = base), "new_fen", "old_fen" (optional: the
    price the proposer saw; the current one when left out)}]."""
    prices = list(prices)
    lines = _lines({"prices": prices})
    skus = {s.pk: s for s in Sku.objects.filter(product=product)}
    channels = {c.pk: c for c in Channel.objects.filter(
        pk__in={line["channel_id"] for line in lines if line["channel_id"] is not None})}
    current = current_prices(skus, channels)
    payload_lines = []
    for line, given in zip(lines, prices, strict=True):
        sku, channel = skus.get(line["sku_id"]), channels.get(line["channel_id"])
        old = line["old_fen"] if "old_fen" in given else current.get(
            (line["sku_id"], line["channel_id"]))
        payload_lines.append({
            "sku_id": line["sku_id"], "channel_id": line["channel_id"], "old_fen": old,
            "new_fen": line["new_fen"], "sku_label": sku_label(sku) if sku else "",
            "channel_name": channel.name if channel else (BASE if line["channel_id"] is None
                                                          else ""),
        })
    reason = (reason or "").strip()
    payload = {"product_id": product.pk, "product_label": str(product), "prices": payload_lines,
               "reason": reason, "competitor_price_ids": [int(pk) for pk in competitor_price_ids]}
    return approvals.propose(actor=actor, kind=KIND, payload=payload, reason=reason,
                             subject=product,
                             title=title or f"调价：{product.title}（{len(payload_lines)} 项）")


# --- executing ----------------------------------------------------------------------------


def _apply_line(sku, channel, old, new, now) -> bool:
    """One conditional write; False when the price is no longer `old`."""
    if channel is None:
        return Sku.objects.filter(pk=sku.pk, price_fen=old).update(price_fen=new) == 1
    if old is None:  # the channel followed the base price: its own price starts now
        try:
            with transaction.atomic():
                ChannelPrice.objects.create(sku=sku, channel=channel, price_fen=new,
                                            updated_at=now)
            return True
        except IntegrityError:  # someone set one meanwhile (one_price_per_channel)
            return False
    return ChannelPrice.objects.filter(sku=sku, channel=channel, price_fen=old).update(
        price_fen=new, updated_at=now) == 1


def apply_price_change(*, proposal, actor):
    """execute= of the price_change kind: write every price, append the history rows."""
    payload = proposal.payload
    product = _product(payload.get("product_id"))
    lines = _lines(payload)
    skus = {s.pk: s for s in Sku.objects.filter(product=product)}
    channels = _channels(lines)
    reason = str(payload.get("reason") or proposal.reason or "")
    now = timezone.now()
    history, changes = [], {}
    for line in lines:
        sku = skus.get(line["sku_id"])
        if sku is None:
            raise ConflictError("sku_gone", "SKU（编号 {pk}）已不属于该商品，无法执行。",
                                "SKU {pk} no longer belongs to this product.", pk=line["sku_id"])
        channel = channels.get(line["channel_id"])
        old, new = line["old_fen"], line["new_fen"]
        if not _apply_line(sku, channel, old, new, now):
            # Raising rolls back the lines already written and the proposal's claim.
            now_fen = current_prices([sku.pk], [channel.pk] if channel else []).get(
                (sku.pk, line["channel_id"]))
            raise _stale(sku, channel, old, now_fen)
        history.append(PriceChange(sku=sku, channel=channel, old_fen=old, new_fen=new,
                                   reason=reason, actor=actor, proposal=proposal, at=now))
        changes[f"{sku.code} {channel.name if channel else BASE}"] = [
            format_fen(old) if old is not None else "（沿用基准价）", format_fen(new)]
    PriceChange.objects.bulk_create(history)
    events.record(actor=actor, verb="price.changed", obj=product,
                  summary=f"执行调价（申请 #{proposal.pk}）：{len(history)} 项", changes=changes,
                  data={"proposal": proposal.pk, "reason": reason,
                        "prices": [{"sku_id": h.sku_id, "channel_id": h.channel_id,
                                    "old_fen": h.old_fen, "new_fen": h.new_fen}
                                   for h in history]})
    return {"调价项数": len(history), "商品": str(product)}


# --- competitor prices --------------------------------------------------------------------


@transaction.atomic
def record_competitor_price(*, actor, product, competitor, price_fen, url="", note="",
                            observed_at=None) -> CompetitorPrice:
    require(actor, "catalog.record_competitor_price")
    competitor = (competitor or "").strip()
    url, note = (url or "").strip(), (note or "").strip()
    if not competitor:
        raise UserError("competitor_required", "请填写竞争对手或店铺名称。",
                        "Name the competitor or shop.")
    if len(competitor) > 100 or len(note) > 200 or len(url) > 300:
        raise UserError("too_long", "竞争对手名称最多 100 字，备注最多 200 字，链接最多 300 字符。",
                        "Competitor ≤ 100, note ≤ 200, link ≤ 300 characters.")
    if url and not url.lower().startswith(("http://", "https://")):
        raise UserError("bad_url", "链接须以 http:// 或 https:// 开头：{url}",
                        "The link must start with http:// or https://: {url}", url=url)
    if isinstance(price_fen, bool) or not isinstance(price_fen, int) or price_fen <= 0:
        raise UserError("price_not_positive", "竞品价格必须大于 0。",
                        "The competitor's price must be above zero.")
    now = timezone.now()
    observed_at = observed_at or now
    if observed_at > now + timezone.timedelta(minutes=5):
        raise UserError("observed_in_future", "记录时间不能晚于现在。",
                        "The observation time cannot be in the future.")
    row = CompetitorPrice.objects.create(product=product, competitor=competitor, url=url,
                                         price_fen=price_fen, note=note,
                                         observed_at=observed_at, recorded_by=actor)
    events.record(actor=actor, verb="competitor_price.recorded", obj=product,
                  summary=f"记录竞品价格：{competitor} {format_fen(price_fen)}"
                          + (f"（{note}）" if note else ""),
                  data={"competitor_price": row.pk, "competitor": competitor,
                        "price_fen": price_fen, "url": url})
    return row

"""Demo listings and prices (CAT-2, CAT-3, CAT-4, CAT-8), all through the approval chains:
黄磊 (product manager) and 张悦 (planner) propose, 王建国 (manager) approves, 刘芳 (web
editor) executes.

- eight products listed in 官网商城 / 天猫旗舰店 / 京东自营店, with their own Tmall and JD
  prices set three weeks ago;
- competitor prices recorded over the last month for five products;
- a price cut executed last week after competitor analysis (price history);
- a price change waiting for the manager, one approved and waiting for the editor;
- a listing proposal waiting for the manager; an executed (approved) delisting from JD.

Proposal and price-history timestamps of the older ones are moved into the past so the
pages read like a running shop (the append-only event log keeps the load time).
`load(people)` is called once by ops.demo after catalog.demo and inventory.demo.
"""

from datetime import timedelta

from django.utils import timezone

from shopops.core.actions.approvals import approve_proposal, execute_proposal
from shopops.core.models import Proposal, ProposalAction

from .actions.listing import propose_delisting, propose_listing
from .actions.pricing import current_prices, propose_price_change, record_competitor_price
from .models import Channel, Listing, PriceChange, Product

LISTED = 8
# (days ago, competitor, share of our base price, note)
COMPETITORS = [
    (26, "衣香丽影天猫旗舰店", 0.92, "店铺满 300 减 30"),
    (12, "森系小铺淘宝店", 0.85, ""),
    (3, "优衣良品京东自营", 0.9, "限时秒杀价"),
]


def _channels():
    by_code = {c.code: c for c in Channel.objects.filter(active=True)}
    picked = []
    for code, kind in (("b2c", Channel.Kind.B2C), ("tmall", Channel.Kind.TAOBAO),
                       ("jd", Channel.Kind.JD)):
        channel = by_code.get(code) or next(
            (c for c in by_code.values() if c.kind == kind), None)
        if channel is not None:
            picked.append(channel)
    return picked


def _nine(fen, share):
    """A shelf price ending in 9 yuan, just under `share` of `fen`."""
    yuan = int(fen * share) // 100
    return max(9, (yuan // 10) * 10 - 1) * 100


def _backdate(proposal, when):
    Proposal.objects.filter(pk=proposal.pk).update(
        created_at=when, submitted_at=when, decided_at=when + timedelta(hours=3),
        executed_at=when + timedelta(hours=5) if proposal.state == Proposal.State.EXECUTED
        else None)
    actions = list(proposal.actions.order_by("at", "id"))
    for n, action in enumerate(actions):
        ProposalAction.objects.filter(pk=action.pk).update(at=when + timedelta(hours=n * 2.5))
    PriceChange.objects.filter(proposal=proposal).update(at=when + timedelta(hours=5))


def _through(proposal, p, *, execute=True, comment=""):
    approve_proposal(actor=p["manager"], proposal=proposal, comment=comment)
    if execute:
        execute_proposal(actor=p["editor"], proposal=proposal)
    proposal.refresh_from_db()
    return proposal


def load(people):
    p = people
    channels = _channels()
    products = list(Product.objects.filter(status=Product.Status.ACTIVE)
                    .prefetch_related("skus").order_by("code")[:LISTED + 1])
    if len(channels) < 3 or len(products) < 5:
        return
    b2c, tmall, jd = channels
    now = timezone.now()
    listed, waiting = products[:LISTED], products[LISTED:]

    for n, product in enumerate(listed):
        proposer = p["product_manager"] if n % 2 == 0 else p["planner"]
        listing = _through(propose_listing(actor=proposer, product=product, channels=channels,
                                           reason="新品资料与素材已齐，三个渠道同步上架。"), p)
        _backdate(listing, now - timedelta(days=30 - n))
        Listing.objects.filter(product=product).update(listed_at=now - timedelta(days=30 - n))
        skus = [s for s in product.skus.all() if s.active]
        lines = [{"sku_id": s.pk, "channel_id": ch.pk, "new_fen": _nine(s.price_fen, share)}
                 for s in skus for ch, share in ((tmall, 0.96), (jd, 0.98))]
        pricing = _through(propose_price_change(
            actor=p["product_manager"], product=product, prices=lines,
            reason="平台渠道定价：天猫约 96 折、京东约 98 折，与官网保持价差。",
            title=f"渠道定价：{product.title}"), p)
        _backdate(pricing, now - timedelta(days=21 - n % 3))

    cited = {}
    for product in listed[:5]:
        base = min(s.price_fen for s in product.skus.all())
        for days, shop, share, note in COMPETITORS:
            row = record_competitor_price(
                actor=p["product_manager"] if days > 10 else p["planner"], product=product,
                competitor=shop, price_fen=int(base * share) // 100 * 100 + 90,
                url="", note=note, observed_at=now - timedelta(days=days, hours=2))
            cited.setdefault(product.pk, []).append(row.pk)

    def cut(product, share, channel=None):
        """Lines lowering every SKU's price (base or one channel's) to about `share`."""
        skus = [s for s in product.skus.all() if s.active]
        where = channel.pk if channel else None
        prices = current_prices([s.pk for s in skus], [where] if where else [])
        return [{"sku_id": s.pk, "channel_id": where,
                 "new_fen": _nine(prices.get((s.pk, where), s.price_fen), share)} for s in skus]

    # Executed last week: the first product's base price follows the competitors down.
    first = listed[0]
    last_week = _through(propose_price_change(
        actor=p["product_manager"], product=first, prices=cut(first, 0.92),
        reason="三家竞品均已降价 8%–15%，官网基准价下调，保持价格竞争力。",
        competitor_price_ids=cited[first.pk][:2]), p, comment="同意，两周后复盘转化率。")
    _backdate(last_week, now - timedelta(days=7))

    # Waiting for the manager: Tmall price of the second product.
    second = listed[1]
    propose_price_change(
        actor=p["product_manager"], product=second, prices=cut(second, 0.95, tmall),
        reason="优衣良品京东自营限时秒杀，天猫同款搜索排名下降，建议天猫价下调约 5%。",
        competitor_price_ids=cited[second.pk][-1:])

    # Approved, waiting for the editor: JD price of the third product.
    third = listed[2]
    _through(propose_price_change(
        actor=p["planner"], product=third, prices=cut(third, 0.97, jd),
        reason="京东 618 会场报名要求近 30 天最低价，提前下调京东价。",
        competitor_price_ids=cited[third.pk][:1]), p, execute=False, comment="同意，按时执行。")

    # Executed delisting: the fourth product leaves JD at the brand merchant's request.
    fourth = listed[3]
    _through(propose_delisting(actor=p["product_manager"], product=fourth, channels=[jd],
                               reason="品牌方调整渠道策略，要求暂停京东自营店销售。"), p)

    # Waiting for the manager: a new product to the B2C site and Tmall.
    if waiting:
        propose_listing(actor=p["planner"], product=waiting[0], channels=[b2c, tmall],
                        reason="秋季新品，详情页与主图已完成，先上官网和天猫。")

"""Demo of customer records and quality inspection (CS-3…CS-7), through the actions as the
person of each post, so the pages are not empty on a fresh demo:

  客户档案  a customer record for each buyer of the demo orders (their orders linked, an
            address from the latest order), tags (VIP, 老客户, 价格敏感, 尺码偏大, 爱退货) and
            four segments
  回访      吴倩 has one due tomorrow, 郑丽 one overdue since yesterday (escalated to 周敏 when
            the scheduler runs), one logged as done
  劣质客户  one report waiting for 周敏, one confirmed
  会话/质检 four weeks of closed conversations of 吴倩 (售前) and 郑丽 (售后) with realistic
            dialogue, most clean, some with each forbidden situation; a consultation shortly
            before most of today's and yesterday's orders, so the consultation and deal logs
            and the conversion rate have numbers; all scored by the engine, one result
            reviewed and overridden by 周敏
  评价      on delivered orders: a good one replied, a bad one waiting (its CS-6 deadline
            open, as the shop opens it), a bad one of yesterday replied

The conversations and reviews are created as rows here: the chat (CS-1) and the shop's
review form (CS-6) are built elsewhere. The integrator may replace _conversations() by
the chat demo's conversations and _reviews() by the storefront demo's reviews; everything
else reads whatever conversations and reviews exist.
"""

from datetime import datetime, time, timedelta

from django.db.models import Min
from django.utils import timezone

from shopops.core.actions.deadlines import open_deadline
from shopops.core.numbering import next_number
from shopops.orders.models import Order

from .actions import bad_customers, customers, followups, quality, review_replies, segments
from .jobs_quality import sweep
from .models import Conversation, Customer, Message, QualityCheck, Review

SHOP = "五步商城"
GREET = f"您好，欢迎来到{SHOP}，请问有什么需要帮助的吗？"
CLOSE = f"好的，非常感谢您对{SHOP}的关注与支持，再见！"

# Pre-sale dialogues (售前). Each: subject, lines [(who, seconds, text)], summary. "客" is the
# customer, "服" the agent. The faulty ones leave out exactly what their name says.
PRESALE = {
    "dress": ("真丝连衣裙尺码", [
        ("客", 0, "你好，这款真丝连衣裙还有M码吗？"),
        ("服", 12, GREET),
        ("服", 20, "亲，M码还有现货的，您平时穿多大尺码呢？"),
        ("客", 70, "平时穿M，身高165，体重52公斤"),
        ("服", 85, "按您的身材M码正合适，这款现在参加满299减30的活动哦。"),
        ("客", 130, "好的，那我现在下单了"),
        ("服", 150, "温馨提示：下单后请核对一下收货地址和电话，真丝面料建议手洗，收到后请保留吊牌。"),
        ("客", 190, "已经付款了"),
        ("服", 200, "收到，今天下午四点前付款的订单当天发货，发货后会短信通知您。"),
        ("服", 210, CLOSE)], "推荐M码，客户已下单付款"),
    "sweater": ("羊毛衫是否起球", [
        ("客", 0, "请问这款羊毛衫会起球吗？"),
        ("服", 9, f"您好，欢迎来到{SHOP}！"),
        ("服", 22, "这款是90%美利奴羊毛，正常穿着不易起球，您可以放心。"),
        ("客", 60, "那我再看看"),
        ("服", 72, "好的，您慢慢挑选，有问题随时找我。" + CLOSE)], "介绍面料，客户再考虑"),
    "shipping": ("什么时候发货", [
        ("客", 0, "拍下的衬衫今天能发货吗？"),
        ("服", 15, "今天下午四点前付款的当天发，您的订单已经付款了，今天就能发出。"),
        ("客", 50, "发什么快递？"),
        ("服", 62, "默认中通，您如果需要顺丰可以补运费。温馨提示：签收时请当面验货。"),
        ("客", 90, "中通就行"),
        ("服", 100, CLOSE)], "告知发货时间与快递"),  # 没有开始语
    "coupon": ("优惠券怎么用", [
        ("客", 0, "满减券怎么用不了"),
        ("服", 10, GREET),
        ("服", 25, "这张券要满299才能用，现在购物车是259。"),
        ("客", 60, "那加一件T恤呢"),
        ("服", 75, "加上T恤就够了，结算时自动抵扣。"),
        ("服", 90, CLOSE)], "解释满减规则"),  # 不使用礼貌用语（正文没有您/请）
    "slow": ("连衣裙颜色", [
        ("客", 0, "这条裙子藏青色和黑色哪个更显瘦？"),
        ("服", 96, GREET),
        ("服", 110, "两个颜色都很显瘦，藏青色更衬肤色，您可以参考详情页的模特图。"),
        ("客", 150, "好的我看看"),
        ("服", 160, CLOSE)], "颜色建议"),  # 首次响应慢
    "noclose": ("尺码表", [
        ("客", 0, "有没有详细的尺码表？"),
        ("服", 8, GREET),
        ("服", 20, "详情页第三张图就是尺码表，您可以对照一下自己的胸围和腰围。"),
        ("客", 80, "看到了，谢谢")], "发送尺码表"),  # 没有结束语 + 客户道谢未回
    "invoice": ("开发票", [
        ("客", 0, "我想买三件做公司团购，可以开发票吗？"),
        ("服", 11, GREET),
        ("服", 30, "可以开的，请您下单时在发票栏填写公司抬头和税号。"),
        ("客", 75, "好的，已经拍下了"),
        ("服", 90, "收到，温馨提示：请核对一下发票抬头和税号，开出后无法修改。"),
        ("服", 100, CLOSE),
        ("客", 160, "对了，发票是电子的还是纸质的？")], "团购开票"),  # 客户消息未回复
    "gift": ("送礼包装", [
        ("客", 0, "买来送人的，可以帮忙包装吗？"),
        ("服", 10, GREET),
        ("服", 24, "可以的，您下单后在留言里写上“礼品包装”，我们会用礼盒包装，并且不放价格单。"),
        ("客", 70, "太好了，那我下单了"),
        ("服", 86, "好的，您拍下后我这边备注上。"),
        ("服", 95, CLOSE)], "礼品包装备注"),  # 未主动提示注意事项
}
# After-sale dialogues (售后).
AFTERSALE = {
    "exchange": ("换尺码", [
        ("客", 0, "裙子小了，能换大一码吗？"),
        ("服", 10, f"您好，欢迎来到{SHOP}，很抱歉尺码不合适。"),
        ("服", 25, "可以换的，请您在订单页申请换货，选L码。温馨提示：寄回时请保留吊牌，不影响二次销售。"),
        ("客", 80, "好的，已经申请了"),
        ("服", 95, "收到，仓库收到退回的衣服后会尽快把L码发出。"),
        ("服", 105, CLOSE)], "申请换L码"),
    "logistics": ("物流查询", [
        ("客", 0, "三天了还没到，帮我查下物流"),
        ("服", 14, f"您好，欢迎来到{SHOP}，请您稍等，我帮您查一下。"),
        ("服", 60, "包裹在杭州转运中心，预计明天送达。温馨提示：签收时请当面验货，有破损可以拒收。"),
        ("客", 100, "好的谢谢"),
        ("服", 110, CLOSE)], "物流延迟，已告知预计送达"),
    "shrink": ("缩水", [
        ("客", 0, "衣服洗了一次就缩水了"),
        ("服", 15, f"您好，欢迎来到{SHOP}，非常抱歉给您带来不便。"),
        ("服", 40, "麻烦您拍一下洗标和缩水的位置，我帮您申请处理。"),
        ("客", 90, "[图片]"),
        ("服", 120, "已经为您登记好了，仓库收到后会尽快处理。"),
        ("服", 130, "感谢您的耐心，再见！")], "缩水投诉，已登记"),  # 未主动提示注意事项
    "refund": ("退款进度", [
        ("客", 0, "退货已经寄回去了，什么时候退款？"),
        ("服", 12, f"您好，欢迎来到{SHOP}！"),
        ("服", 30, "仓库签收后1到2个工作日内退款，请您注意查收原路退回的款项。"),
        ("服", 40, CLOSE),
        ("客", 90, "能不能快一点？我急用钱")], "退款进度"),  # 客户消息未回复
}
# Four weeks of the desk, oldest first: (days ago, agent post, dialogue). Fewer faults lately,
# so the weekly trend goes up.
HISTORY = [
    (27, "presale_cs", "slow"), (26, "presale_cs", "coupon"), (25, "aftersale_cs", "shrink"),
    (24, "presale_cs", "dress"), (23, "aftersale_cs", "refund"), (22, "presale_cs", "noclose"),
    (20, "presale_cs", "shipping"), (20, "aftersale_cs", "exchange"), (19, "presale_cs", "gift"),
    (18, "aftersale_cs", "logistics"), (17, "presale_cs", "sweater"),
    (16, "aftersale_cs", "shrink"), (13, "presale_cs", "dress"), (13, "aftersale_cs", "refund"),
    (12, "presale_cs", "invoice"), (11, "aftersale_cs", "exchange"), (10, "presale_cs", "sweater"),
    (9, "aftersale_cs", "logistics"), (8, "presale_cs", "slow"), (6, "presale_cs", "dress"),
    (6, "aftersale_cs", "exchange"), (5, "presale_cs", "sweater"), (4, "aftersale_cs", "logistics"),
    (3, "presale_cs", "shipping"), (2, "aftersale_cs", "exchange"), (2, "presale_cs", "dress"),
]
SOURCES = [Conversation.Source.SHOP, Conversation.Source.TAOBAO, Conversation.Source.JD,
           Conversation.Source.TAOBAO]


def load(people):
    p = people
    tags = _tags(p)
    people_of = _customers(p, tags)
    if not people_of:
        return
    _segments(p, tags)
    _conversations(p, people_of)
    sweep(limit=10_000)
    _review_one(p)
    _follow_ups(p, people_of)
    _bad_customers(p, people_of)
    _reviews(p)


def _tags(p):
    boss = p["cs_supervisor"]
    return {name: customers.save_tag(actor=boss, name=name, colour=colour, description=text)
            for name, colour, text in [
                ("VIP", "#b45309", "累计消费 1000 元以上"),
                ("老客户", "#15803d", "下过两单及以上"),
                ("价格敏感", "#1d4ed8", "常问优惠、等活动再买"),
                ("尺码偏大", "#7c3aed", "平时比尺码表大一码"),
                ("爱退货", "#b91c1c", "退换货较多，发货前多确认"),
            ]}


def _customers(p, tags):
    """A record for each buyer of the demo orders (by phone), their orders linked."""
    agent = p["presale_cs"]
    buyers = (Order.objects.filter(customer__isnull=True).values("customer_phone")
              .annotate(first=Min("created_at")).order_by("first")[:30])
    made = []
    for n, row in enumerate(buyers):
        orders = list(Order.objects.filter(customer_phone=row["customer_phone"],
                                           customer__isnull=True)
                      .select_related("channel").order_by("-created_at"))
        latest = orders[0]
        if Customer.objects.filter(phone=latest.customer_phone).exists():
            continue
        customer = customers.create_customer(
            actor=agent, name=latest.customer_name, phone=latest.customer_phone,
            nick=latest.buyer_nick, source=latest.channel,
            gender="f" if n % 3 else "", note="喜欢真丝面料，偏好藏青色" if n == 0 else "")
        customers.link_orders(actor=agent, customer=customer, orders=orders)
        customers.add_address(actor=agent, customer=customer, recipient=latest.customer_name,
                              phone=latest.customer_phone, province=latest.province,
                              city=latest.city, district=latest.district,
                              detail=latest.address_detail, is_default=True)
        paid = [o for o in orders if o.paid_at and o.state != "cancelled"]
        chosen = [name for name, every in (("价格敏感", 4), ("尺码偏大", 7)) if n % every == 0]
        if len(paid) >= 2:
            chosen.append("老客户")
        if sum(o.paid_fen for o in paid) >= 100000:
            chosen.append("VIP")
        for name in chosen:
            customers.tag_customer(actor=agent, customer=customer, tag=tags[name])
        made.append((customer, orders))
    return made


def _segments(p, tags):
    boss = p["cs_supervisor"]
    for name, rules, text in [
        ("VIP 客户", {"tags": [tags["VIP"].pk]}, "大促前一对一通知"),
        ("复购客户", {"min_orders": 2}, "两单及以上，回访满意度"),
        ("浙江客户", {"province": "浙江"}, "江浙沪包邮活动"),
        ("近 7 天下单", {"last_order_days": 7}, "收货后三天回访穿着感受"),
    ]:
        segments.save_segment(actor=boss, name=name, rules=rules, description=text)


def _at(day, hour, minute):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _talk(agent, dialogue, start, *, stage, customer=None, order=None, source=None, n=0):
    """A closed conversation as the chat would leave it: messages, times, who closed it."""
    subject, lines, summary = dialogue
    conversation = Conversation.objects.create(
        number=next_number("HH", day=timezone.localdate(start)), agent=agent,
        stage=stage, state=Conversation.State.CLOSED, customer=customer, order=order,
        source=source or SOURCES[n % len(SOURCES)], subject=subject, summary=summary,
        started_at=start, visitor_name="" if customer else f"访客{8800 + n}")
    messages = [Message(conversation=conversation, sender="customer" if who == "客" else "agent",
                        agent=agent if who == "服" else None, body=text,
                        at=start + timedelta(seconds=seconds)) for who, seconds, text in lines]
    Message.objects.bulk_create(messages)
    first_reply = next((m.at for m in messages if m.sender == "agent"), None)
    last = messages[-1].at
    Conversation.objects.filter(pk=conversation.pk).update(
        first_response_at=first_reply, last_message_at=last,
        closed_at=last + timedelta(minutes=2), closed_by=agent)
    return conversation


def _conversations(p, people_of):
    today = timezone.localdate()
    for n, (days_ago, post, key) in enumerate(HISTORY):
        presale = post == "presale_cs"
        dialogue = (PRESALE if presale else AFTERSALE)[key]
        customer = people_of[n % len(people_of)][0] if n % 4 else None
        _talk(p[post], dialogue, _at(today - timedelta(days=days_ago), 9 + n % 9, 5 * (n % 12)),
              stage="presale" if presale else "aftersale", customer=customer, n=n)
    # A consultation 40 minutes before most of the recent orders (the deal log), and a few
    # that did not end in an order.
    recent = []
    for customer, orders in people_of:
        recent += [(o, customer) for o in orders if o.created_at > timezone.now() - timedelta(days=2)]
    recent.sort(key=lambda pair: pair[0].created_at)
    keys = ["dress", "dress", "invoice", "gift", "dress", "shipping", "dress", "coupon"]
    for n, (order, customer) in enumerate(recent):
        if n % 3 == 2:
            continue  # bought without asking anybody
        agent = p["presale_cs"] if n % 3 else p["cs_supervisor"]
        _talk(agent, PRESALE[keys[n % len(keys)]], order.created_at - timedelta(minutes=40),
              stage="presale", customer=customer, source=_source_of(order), n=n)
    # Shop visitors who asked and left (most consultations do not end in an order).
    browsing = ["sweater", "slow", "sweater", "noclose", "coupon", "sweater", "dress"]
    # Spread over today's service hours so far (yesterday's, early in the morning).
    first, last = _at(today, 8, 30), timezone.now() - timedelta(minutes=10)
    if last - first < timedelta(hours=1):
        first, last = _at(today - timedelta(days=1), 9, 0), _at(today - timedelta(days=1), 21, 0)
    for n in range(30):
        agent = p["presale_cs"] if n % 3 else p["cs_supervisor"]
        _talk(agent, PRESALE[browsing[n % len(browsing)]], first + (last - first) * n / 30,
              stage="presale", n=n)
    _talk(p["aftersale_cs"], AFTERSALE["logistics"], timezone.now() - timedelta(hours=2),
          stage="aftersale", customer=people_of[0][0], order=people_of[0][1][0], n=1)


def _source_of(order):
    return {"tmall": Conversation.Source.TAOBAO, "jd": Conversation.Source.JD}.get(
        order.channel.code, Conversation.Source.SHOP)


def _review_one(p):
    """周敏 reviews a result of 吴倩's: the greeting was missing, but the customer had just
    been greeted by the same agent minutes before — she keeps 5 points of the 10."""
    check = (QualityCheck.objects.filter(agent=p["presale_cs"], rule_codes__contains=" no_greeting ")
             .order_by("-closed_at").first())
    if check is not None:
        quality.review_check(actor=p["cs_supervisor"], check=check, final_score=check.score + 5,
                             comment="客户几分钟前刚咨询过，同一客服接续回答，开始语扣一半。")


def _follow_ups(p, people_of):
    now = timezone.now()
    first, second, third = (c for c, _ in people_of[:3])
    followups.schedule_follow_up(actor=p["cs_supervisor"], customer=first, owner=p["presale_cs"],
                                 due_at=now + timedelta(days=1), purpose="收货三天后回访穿着感受",
                                 order=people_of[0][1][0])
    followups.schedule_follow_up(actor=p["cs_supervisor"], customer=second,
                                 owner=p["aftersale_cs"], due_at=now - timedelta(hours=20),
                                 purpose="换货寄出后确认客户收到新尺码", now=now - timedelta(days=2))
    done = followups.schedule_follow_up(actor=p["presale_cs"], customer=third,
                                        owner=p["presale_cs"], due_at=now + timedelta(hours=4),
                                        purpose="新款到货通知")
    followups.log_follow_up(actor=p["presale_cs"], follow_up=done, outcome="satisfied",
                            result="已电话告知新款到货，客户说周末来店里看。")


def _bad_customers(p, people_of):
    if len(people_of) < 6:
        return
    pending, confirmed = people_of[4][0], people_of[5][0]
    bad_customers.report_bad_customer(
        actor=p["presale_cs"], customer=pending, reason="恶意拍下不付款",
        evidence="一周内拍下 6 单均未付款，占用库存，催付后仍不付款。")
    report = bad_customers.report_bad_customer(
        actor=p["aftersale_cs"], customer=confirmed, reason="以差评要挟索要全额退款",
        evidence="衣服已穿着洗过、吊牌已剪，坚持全额退款，称不退就给差评并投诉。",
        order=people_of[5][1][0])
    bad_customers.confirm_bad_customer(actor=p["cs_supervisor"], report=report,
                                       comment="核实聊天记录与退货照片属实，备案；今后发货前电话确认。")


def _reviews(p):
    """Reviews on delivered orders, as the shop's review form leaves them (a bad one opens
    its CS-6 deadline for after-sale service)."""
    delivered = list(Order.objects.filter(state__in=["delivered", "completed", "shipped"],
                                          customer__isnull=False)
                     .prefetch_related("lines__sku__product").order_by("pk")[:4])
    now = timezone.now()
    texts = [(5, "面料很舒服，尺码标准，和图片一样好看，会回购。", timedelta(hours=5)),
             (1, "洗了一次就缩水了，袖子短了一截，很失望。", timedelta(hours=3)),
             (2, "颜色和图片差很多，偏暗。", timedelta(days=1, hours=2)),
             (4, "物流很快，包装也很好。", timedelta(hours=8))]
    for order, (rating, body, ago) in zip(delivered, texts, strict=False):
        line = order.lines.all()[0]
        received = order.delivered_at or order.shipped_at or order.created_at
        at = min(max(now - ago, received + timedelta(minutes=30)), now - timedelta(minutes=5))
        review = Review.objects.create(order=order, line=line, product=line.sku.product,
                                       sku=line.sku, customer=order.customer, rating=rating,
                                       body=body, is_bad=rating <= 2, created_at=at)
        if review.is_bad:
            open_deadline(actor=None, subject=review, owner=p["aftersale_cs"], rule="CS-6",
                          action="escalate", due_at=review.created_at + timedelta(hours=24),
                          title=f"差评联系客户：订单 {order.number}", starts_at=review.created_at)
        if rating == 5:
            review_replies.reply_to_review(actor=p["presale_cs"], review=review,
                                           text="感谢您的好评，期待您再次光临！")
        if rating == 2:
            review_replies.reply_to_review(
                actor=p["aftersale_cs"], review=review,
                text="非常抱歉，屏幕显示会有色差，已联系您办理退换，运费由我们承担。")

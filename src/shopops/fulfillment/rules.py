"""The automatic review rules (FUL-1): pure evaluation, no queries. Real review and the
dry-run both call `evaluate(order, rules, ctx=…)`; everything a rule needs beyond the order
and its prefetched lines (amendments, located stock, orders to merge with, couriers) comes
in `ctx` (built once per batch by queries_review.review_context), so N orders cost a fixed
number of queries.

A rule set's `rules` is a list of {"code", "enabled", "params"}. The first rule that holds
decides the outcome; the trace still lists what every rule found, so a held order shows
everything that was wrong with it at once."""

import re
from dataclasses import dataclass, field

from shopops.core.errors import UserError
from shopops.orders.states import HoldReason
from shopops.service.privacy import mask_phone

MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")

DEFAULT_REMARK_KEYWORDS = ["改地址", "修改地址", "换货", "退款", "取消", "不要了", "暂缓发货",
                           "延迟发货", "到付", "催发", "加急"]
DEFAULT_REGIONS = ["香港特别行政区", "澳门特别行政区", "台湾省"]
DEFAULT_CUSTOMER_KEYWORDS = {"顺丰": "顺丰速运", "京东": "京东物流", "EMS": "EMS", "邮政": "EMS"}

# The seeded rule set v1 (migration 0003_review holds a literal copy of this list).
DEFAULT_RULES = [
    {"code": "address_complete", "enabled": True, "params": {"min_detail_chars": 5}},
    {"code": "region", "enabled": True,
     "params": {"provinces": DEFAULT_REGIONS, "cities": []}},
    {"code": "remark_keywords", "enabled": True,
     "params": {"keywords": DEFAULT_REMARK_KEYWORDS}},
    {"code": "amended", "enabled": True, "params": {}},
    {"code": "amount", "enabled": True, "params": {"max_paid_yuan": 5000}},
    {"code": "weight", "enabled": True, "params": {"max_weight_kg": 30}},
    {"code": "price_floor", "enabled": True, "params": {}},
    {"code": "split_by_stock", "enabled": True, "params": {}},
    {"code": "courier", "enabled": True,
     "params": {"default": "中通快递", "by_region": [], "heavy_kg": 20,
                "heavy_courier": "顺丰速运", "customer_keywords": DEFAULT_CUSTOMER_KEYWORDS}},
    {"code": "merge", "enabled": True, "params": {}},
]


@dataclass
class Context:
    """What the rules read besides the order. Keys are ids, values plain data."""

    # order id → ["address", "courier", …] amendments made since the last review decision
    unseen_amendments: dict = field(default_factory=dict)
    # (sku id, warehouse id) → units on the warehouse's bins; None = unknown (dry-run)
    located: dict | None = field(default_factory=dict)
    # (warehouse id, name, phone, full address) → (order id, number, courier) to merge into
    merge_targets: dict = field(default_factory=dict)
    couriers: set = field(default_factory=set)  # names of active couriers


@dataclass
class Verdict:
    outcome: str = "passed"  # passed | held
    reason: str = ""  # a HoldReason value when held
    rule: str = ""
    message: str = ""
    trace: list = field(default_factory=list)
    courier: str = ""
    merge_with: int | None = None
    merge_number: str = ""
    split_lines: list = field(default_factory=list)

    @property
    def held(self):
        return self.outcome == "held"


def recipient_key(order):
    return (order.warehouse_id, order.customer_name.strip(), order.customer_phone.strip(),
            order.address)


def order_weight_g(order):
    return sum(line.sku.weight_g * line.quantity for line in order.lines.all())


def _hold(reason, message):
    return "hold", message, {"reason": reason}


def _pass(message=""):
    return "pass", message, {}


# -- the rules: (order, params, ctx) -> (result, message, extra) ----------------------------


def _address_complete(order, params, ctx):
    problems = []
    if len((order.address_detail or "").strip()) < int(params.get("min_detail_chars", 5)):
        problems.append("详细地址过短")
    if not (order.district or "").strip():
        problems.append("缺少区/县")
    phone = re.sub(r"[\s()（）]", "", order.customer_phone or "").removeprefix("+86")
    if not (MOBILE.match(phone) or LANDLINE.match(phone)):
        problems.append(f"电话号码格式不对（{mask_phone(order.customer_phone)}）")
    if problems:
        return _hold(HoldReason.ADDRESS, "地址不完整：" + "，".join(problems))
    return _pass("地址完整")


def _matches(place, names):
    place = (place or "").strip()
    return bool(place) and any(n and (n in place or place in n) for n in names)


def _region(order, params, ctx):
    if _matches(order.province, params.get("provinces", [])):
        return _hold(HoldReason.REGION, f"{order.province} 不发货")
    if _matches(order.city, params.get("cities", [])):
        return _hold(HoldReason.REGION, f"{order.city} 不发货")
    return _pass("地区可发货")


def _remark_keywords(order, params, ctx):
    for where, text in (("买家留言", order.buyer_message), ("商家备注", order.seller_remark)):
        for word in params.get("keywords", []):
            if word and word in (text or ""):
                return _hold(HoldReason.REMARK, f"{where}含“{word}”：{text.strip()[:80]}")
    return _pass("留言/备注无需处理")


def _amended(order, params, ctx):
    fields = ctx.unseen_amendments.get(order.pk)
    if fields:
        return _hold(HoldReason.BUYER_MESSAGE, "买家留言/订单有修改，请人工核对（"
                     + "、".join(dict.fromkeys(fields)) + "）")
    return _pass("无未核对的修改")


def _amount(order, params, ctx):
    limit = int(params.get("max_paid_yuan", 5000))
    if order.paid_fen > limit * 100:
        return _hold(HoldReason.AMOUNT,
                     f"实付 ¥{order.paid_fen / 100:.2f} 超过 ¥{limit}，请人工核对")
    return _pass()


def _weight(order, params, ctx):
    limit = float(params.get("max_weight_kg", 30))
    weight = order_weight_g(order)
    if weight > limit * 1000:
        return _hold(HoldReason.WEIGHT, f"商品重量 {weight / 1000:g} 千克，超过 {limit:g} 千克")
    return _pass(f"{weight / 1000:g} 千克")


def _price_floor(order, params, ctx):
    for line in order.lines.all():
        if line.sku.cost_fen and line.unit_price_fen < line.sku.cost_fen:
            return _hold(HoldReason.PRICE, f"{line.sku.code} 单价 ¥{line.unit_price_fen / 100:.2f}"
                         f" 低于成本 ¥{line.sku.cost_fen / 100:.2f}")
    return _pass()


def _split_by_stock(order, params, ctx):
    if ctx.located is None:
        return "skip", "试运行不按当前库存判断", {}
    needed = {}
    for line in order.lines.all():
        needed[line.sku_id] = needed.get(line.sku_id, 0) + line.quantity
    short = {sku for sku, qty in needed.items()
             if ctx.located.get((sku, order.warehouse_id), 0) < qty}
    if not short:
        return _pass("库存充足")
    codes = "、".join(sorted({x.sku.code for x in order.lines.all() if x.sku_id in short}))
    if len(short) == len(needed):
        return _hold(HoldReason.OUT_OF_STOCK, f"库位库存不足：{codes}")
    lines = [x.pk for x in order.lines.all() if x.sku_id in short]
    return "set", f"拆出缺货商品 {codes} 另行发货", {"split_lines": lines}


def _courier(order, params, ctx):
    usable = ctx.couriers

    def chosen(name, why):
        return "set", f"{name}（{why}）", {"courier": name}

    for word, name in (params.get("customer_keywords") or {}).items():
        if word and word in (order.buyer_message or "") and name in usable:
            return chosen(name, f"买家要求“{word}”")
    if order.courier:
        return chosen(order.courier, "订单已指定")
    weight_kg = order_weight_g(order) / 1000
    for row in params.get("by_region") or []:
        provinces, cities = row.get("provinces") or [], row.get("cities") or []
        if provinces and not _matches(order.province, provinces):
            continue
        if cities and not _matches(order.city, cities):
            continue
        if row.get("max_weight_kg") not in (None, "") and weight_kg > float(row["max_weight_kg"]):
            continue
        if row.get("courier") in usable:
            return chosen(row["courier"], "按地区")
    heavy = params.get("heavy_kg")
    if heavy not in (None, "") and weight_kg > float(heavy) and params.get("heavy_courier"):
        return chosen(params["heavy_courier"], f"超过 {float(heavy):g} 千克")
    if params.get("default"):
        return chosen(params["default"], "默认")
    return _pass("未指定快递")


def _merge(order, params, ctx):
    target = ctx.merge_targets.get(recipient_key(order))
    if target is None or target[0] == order.pk:
        return _pass("无同收件人订单")
    extra = {"merge_with": target[0], "merge_number": target[1]}
    if len(target) > 2 and target[2]:
        extra["courier"] = target[2]  # one parcel, one courier
    return "set", f"与订单 {target[1]} 同一收件人，合并发货", extra


def _list(value):
    if isinstance(value, str):
        value = re.split(r"[,，、\n]", value)
    if not isinstance(value, (list, tuple)):
        raise TypeError
    return [str(v).strip() for v in value if str(v).strip()]


def _number(minimum):
    def check(value):
        number = float(value)
        if number < minimum:
            raise ValueError
        return int(number) if number == int(number) else number
    return check


# code → (label, evaluate, {param: (label, check)})
RULES = {
    "address_complete": ("地址完整", _address_complete,
                         {"min_detail_chars": ("详细地址最少字数", _number(1))}),
    "region": ("不发货地区", _region, {"provinces": ("省份", _list), "cities": ("城市", _list)}),
    "remark_keywords": ("留言/备注关键词", _remark_keywords, {"keywords": ("关键词", _list)}),
    "amended": ("订单有修改", _amended, {}),
    "amount": ("金额上限", _amount, {"max_paid_yuan": ("实付上限（元）", _number(1))}),
    "weight": ("重量上限", _weight, {"max_weight_kg": ("重量上限（千克）", _number(0.1))}),
    "price_floor": ("低于成本价", _price_floor, {}),
    "split_by_stock": ("缺货拆单", _split_by_stock, {}),
    "courier": ("选择快递", _courier, {
        "default": ("默认快递", str), "by_region": ("按地区", list),
        "heavy_kg": ("超重（千克）", _number(0.1)), "heavy_courier": ("超重快递", str),
        "customer_keywords": ("买家指定快递关键词", dict)}),
    "merge": ("合并同收件人订单", _merge, {}),
}


def label(code):
    return RULES[code][0] if code in RULES else code


def evaluate(order, rules, *, ctx) -> Verdict:
    """Run the rule list over one order (its lines and their SKUs prefetched)."""
    verdict = Verdict()
    for entry in rules:
        code = entry.get("code")
        if code not in RULES:
            continue
        name, check, _ = RULES[code]
        if not entry.get("enabled", True):
            verdict.trace.append({"rule": code, "label": name, "result": "skip",
                                  "message": "未启用"})
            continue
        result, message, extra = check(order, entry.get("params") or {}, ctx)
        verdict.trace.append({"rule": code, "label": name, "result": result, "message": message})
        if result == "hold" and not verdict.held:
            verdict.outcome, verdict.reason = "held", str(extra["reason"])
            verdict.rule, verdict.message = code, message
        verdict.courier = extra.get("courier", verdict.courier)
        if "merge_with" in extra:
            verdict.merge_with, verdict.merge_number = extra["merge_with"], extra["merge_number"]
        verdict.split_lines = extra.get("split_lines", verdict.split_lines)
    if verdict.split_lines and verdict.merge_with:
        # A split order keeps its own parcel: merging it as well would mix two shipments.
        verdict.merge_with, verdict.merge_number = None, ""
    return verdict


# -- validating a rule set typed in by a manager ---------------------------------------------


def validate(rules, *, couriers) -> list:
    """The clean rule list, or UserError naming the first bad rule/param."""
    if not isinstance(rules, list):
        raise UserError("bad_rules", "规则格式不对。", "The rules must be a list.")
    clean, seen = [], set()
    for entry in rules:
        code = entry.get("code") if isinstance(entry, dict) else None
        if code not in RULES:
            raise UserError("unknown_rule", "未知的审单规则：{rule}", "Unknown rule: {rule}",
                            rule=code)
        if code in seen:
            raise UserError("duplicate_rule", "规则重复：{label}", "Rule listed twice: {rule}",
                            label=label(code), rule=code)
        seen.add(code)
        name, _, spec = RULES[code]
        params = {}
        for key, value in (entry.get("params") or {}).items():
            if key not in spec:
                raise UserError("unknown_param", "规则“{rule}”没有参数 {param}。",
                                "Rule {rule_code} has no parameter {param}.", rule=name, rule_code=code,
                                param=key)
            params[key] = _check_param(code, key, value, couriers)
        clean.append({"code": code, "enabled": bool(entry.get("enabled", True)),
                      "params": params})
    return clean


def _bad(code, key, value):
    return UserError("bad_param", "规则“{rule}”的参数“{param}”不对：{value}",
                     "Rule {rule_code}: bad value for {key}: {value}", rule=label(code),
                     param=RULES[code][2][key][0], rule_code=code, key=key, value=value)


def _courier_name(code, key, value, couriers):
    if value in ("", None):
        return ""
    if value not in couriers:
        raise UserError("unknown_courier", "规则“{rule}”中的快递公司不存在或未启用：{value}",
                        "Rule {rule_code}: no active courier named {value}", rule=label(code),
                        rule_code=code, value=value)
    return value


def _check_param(code, key, value, couriers):
    check = RULES[code][2][key][1]
    if code == "courier" and key in ("default", "heavy_courier"):
        return _courier_name(code, key, str(value or "").strip(), couriers)
    if code == "courier" and key == "customer_keywords":
        if not isinstance(value, dict):
            raise _bad(code, key, value)
        if any(not str(v or "").strip() for v in value.values()):
            raise _bad(code, key, value)
        return {str(k).strip(): _courier_name(code, key, str(v).strip(), couriers)
                for k, v in value.items() if str(k).strip()}
    if code == "courier" and key == "by_region":
        if not isinstance(value, list):
            raise _bad(code, key, value)
        return [_region_row(code, key, row, couriers) for row in value]
    if code == "courier" and key == "heavy_kg" and value in (None, ""):
        return None
    try:
        return check(value)
    except (TypeError, ValueError):
        raise _bad(code, key, value) from None


def _region_row(code, key, row, couriers):
    if not isinstance(row, dict) or not row.get("courier"):
        raise _bad(code, key, row)
    try:
        provinces, cities = _list(row.get("provinces") or []), _list(row.get("cities") or [])
        weight = row.get("max_weight_kg")
        weight = None if weight in (None, "") else _number(0.1)(weight)
    except (TypeError, ValueError):
        raise _bad(code, key, row) from None
    return {"provinces": provinces, "cities": cities, "max_weight_kg": weight,
            "courier": _courier_name(code, key, str(row["courier"]).strip(), couriers)}

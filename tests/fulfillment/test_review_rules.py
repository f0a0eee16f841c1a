"""FUL-1: each automatic review rule holds or passes with its typed reason, message and
trace; the courier choice order; rule-set validation."""

import pytest

from shopops.core.errors import UserError
from shopops.fulfillment.queries_review import courier_names, review_context, with_lines
from shopops.fulfillment.rules import DEFAULT_RULES, evaluate, validate
from shopops.inventory import ledger
from shopops.orders.actions import amend_order
from shopops.orders.models import Order
from tests.factories import make_sku


@pytest.fixture
def scarf(hz, bins):
    """A SKU with 5 units received but only 1 put on a bin: 4 wait in receiving."""
    sku = make_sku(code="P-SCARF", title="羊绒围巾", skus=[{"颜色": "驼色"}], price_fen=29900)
    ledger.receive(actor=None, sku=sku, warehouse=hz, quantity=4, reference="test:setup")
    ledger.receive(actor=None, sku=sku, warehouse=hz, quantity=1, location=bins.b,
                   reference="test:setup")
    return sku


def judge(order, rules=None):
    order = with_lines(Order.objects.filter(pk=order.pk)).get()
    return evaluate(order, rules or DEFAULT_RULES, ctx=review_context([order]))


def only(code, **params):
    return [{"code": code, "enabled": True, "params": params}]


def step(verdict, code):
    return next(t for t in verdict.trace if t["rule"] == code)


def test_ful1_clean_order_passes_with_full_trace(paid_order):
    verdict = judge(paid_order())
    assert verdict.outcome == "passed"
    assert verdict.reason == ""
    assert [t["rule"] for t in verdict.trace] == [r["code"] for r in DEFAULT_RULES]
    assert {t["result"] for t in verdict.trace if t["rule"] not in ("courier",)} == {"pass"}
    assert step(verdict, "courier") == {"rule": "courier", "label": "选择快递", "result": "set",
                                        "message": "中通快递（默认）"}
    assert verdict.courier == "中通快递"


@pytest.mark.parametrize(("fields", "message"), [
    ({"address_detail": "文三路"}, "地址不完整：详细地址过短"),
    ({"district": ""}, "地址不完整：缺少区/县"),
    ({"customer_phone": "1380013800"}, "地址不完整：电话号码格式不对（138****3800）"),
])
def test_ful1_address_rule_holds_incomplete_address(paid_order, fields, message):
    verdict = judge(paid_order(**fields))
    assert (verdict.outcome, verdict.reason, verdict.rule) == ("held", "address",
                                                                "address_complete")
    assert verdict.message == message
    assert step(verdict, "address_complete")["result"] == "hold"


def test_ful1_address_rule_accepts_landline(paid_order):
    verdict = judge(paid_order(customer_phone="0571-88886666"), only("address_complete"))
    assert verdict.outcome == "passed"


def test_ful1_region_rule_holds_regions_not_shipped_to(paid_order):
    verdict = judge(paid_order(province="香港特别行政区", city="香港", district="中西区",
                               address_detail="皇后大道中 99 号"))
    assert (verdict.outcome, verdict.reason, verdict.rule) == ("held", "region", "region")
    assert verdict.message == "香港特别行政区 不发货"


def test_ful1_region_rule_holds_listed_city(paid_order):
    verdict = judge(paid_order(), only("region", provinces=[], cities=["杭州市"]))
    assert (verdict.reason, verdict.message) == ("region", "杭州市 不发货")


def test_ful1_remark_keyword_names_keyword_and_where(paid_order):
    verdict = judge(paid_order(seller_remark="客户说先暂缓发货，等通知"))
    assert (verdict.outcome, verdict.reason, verdict.rule) == ("held", "remark",
                                                                "remark_keywords")
    assert verdict.message == "商家备注含“暂缓发货”：客户说先暂缓发货，等通知"
    verdict = judge(paid_order(buyer_message="我要改地址"))
    assert verdict.message == "买家留言含“改地址”：我要改地址"


def test_ful1_amended_order_is_held_until_a_reviewer_saw_it(paid_order, people):
    order = paid_order()
    amend_order(actor=people.cs, order=order, field="gift_card_text", value="生日快乐",
                reason="客户来电")
    verdict = judge(order)
    assert (verdict.outcome, verdict.reason, verdict.rule) == ("held", "buyer_message",
                                                                "amended")
    assert verdict.message == "买家留言/订单有修改，请人工核对（贺卡内容）"


def test_ful1_amount_weight_and_price_rules(paid_order, dress, shirt):
    big = paid_order(lines=[{"sku": dress, "quantity": 3, "unit_price_fen": 200000}])
    verdict = judge(big)
    assert (verdict.reason, verdict.rule) == ("amount", "amount")
    assert verdict.message == "实付 ¥6000.00 超过 ¥5000，请人工核对"

    heavy = paid_order(lines=[{"sku": shirt, "quantity": 2}])
    verdict = judge(heavy, only("weight", max_weight_kg=0.4))
    assert (verdict.reason, verdict.message) == ("weight", "商品重量 0.5 千克，超过 0.4 千克")

    dress.cost_fen = 10000
    dress.save(update_fields=["cost_fen"])
    cheap = paid_order(lines=[{"sku": dress, "quantity": 1, "unit_price_fen": 9900}])
    verdict = judge(cheap)
    assert (verdict.reason, verdict.rule) == ("price", "price_floor")
    assert verdict.message == f"{dress.code} 单价 ¥99.00 低于成本 ¥100.00"


def test_ful1_first_holding_rule_wins_but_trace_lists_all(paid_order):
    verdict = judge(paid_order(district="", buyer_message="退款"))
    assert verdict.rule == "address_complete"
    assert step(verdict, "remark_keywords")["result"] == "hold"
    assert step(verdict, "region")["result"] == "pass"


def test_ful1_disabled_rule_is_skipped(paid_order):
    rules = [{"code": "address_complete", "enabled": False, "params": {}}]
    verdict = judge(paid_order(district=""), rules)
    assert verdict.outcome == "passed"
    assert verdict.trace == [{"rule": "address_complete", "label": "地址完整",
                              "result": "skip", "message": "未启用"}]


def test_ful1_split_by_stock_marks_short_lines(paid_order, dress, scarf):
    order = paid_order(lines=[{"sku": dress, "quantity": 1}, {"sku": scarf, "quantity": 2}])
    verdict = judge(order)
    scarf_line = order.lines.get(sku=scarf)
    assert verdict.outcome == "passed"
    assert verdict.split_lines == [scarf_line.pk]
    assert step(verdict, "split_by_stock") == {
        "rule": "split_by_stock", "label": "缺货拆单", "result": "set",
        "message": f"拆出缺货商品 {scarf.code} 另行发货"}


def test_ful1_all_lines_short_holds_out_of_stock(paid_order, scarf):
    order = paid_order(lines=[{"sku": scarf, "quantity": 2}])
    verdict = judge(order)
    assert (verdict.outcome, verdict.reason, verdict.rule) == ("held", "out_of_stock",
                                                                "split_by_stock")
    assert verdict.message == f"库位库存不足：{scarf.code}"
    assert verdict.split_lines == []


# -- courier: customer request > order's courier (amendment) > region > weight > default ----

COURIER = {"default": "中通快递", "heavy_kg": 0.3, "heavy_courier": "顺丰速运",
           "by_region": [{"provinces": ["浙江省"], "cities": [], "max_weight_kg": None,
                          "courier": "韵达快递"}],
           "customer_keywords": {"顺丰": "顺丰速运", "京东": "京东物流"}}


def test_ful1_courier_customer_request_wins(paid_order):
    verdict = judge(paid_order(buyer_message="请发京东", courier="圆通速递"),
                    only("courier", **COURIER))
    assert verdict.courier == "京东物流"
    assert step(verdict, "courier")["message"] == "京东物流（买家要求“京东”）"


def test_ful1_courier_amendment_beats_region(paid_order):
    verdict = judge(paid_order(courier="圆通速递"), only("courier", **COURIER))
    assert verdict.courier == "圆通速递"


def test_ful1_courier_region_beats_weight(paid_order, shirt):
    verdict = judge(paid_order(lines=[{"sku": shirt, "quantity": 2}]), only("courier", **COURIER))
    assert verdict.courier == "韵达快递"


def test_ful1_courier_weight_then_default(paid_order, shirt):
    elsewhere = {"province": "江苏省", "city": "南京市", "district": "玄武区"}
    verdict = judge(paid_order(lines=[{"sku": shirt, "quantity": 2}], **elsewhere),
                    only("courier", **COURIER))
    assert verdict.courier == "顺丰速运"
    verdict = judge(paid_order(lines=[{"sku": shirt, "quantity": 1}], **elsewhere),
                    only("courier", **COURIER))
    assert verdict.courier == "中通快递"


def test_ful1_region_row_with_weight_limit_is_skipped_for_heavy_parcels(paid_order, shirt):
    params = {**COURIER, "by_region": [{**COURIER["by_region"][0], "max_weight_kg": 0.3}]}
    verdict = judge(paid_order(lines=[{"sku": shirt, "quantity": 2}]), only("courier", **params))
    assert verdict.courier == "顺丰速运"


# -- validation ----------------------------------------------------------------------------


def test_ful1_validate_refuses_unknown_rule_param_and_courier(db):
    couriers = courier_names()
    with pytest.raises(UserError) as exc:
        validate([{"code": "nope"}], couriers=couriers)
    assert exc.value.code == "unknown_rule"
    with pytest.raises(UserError) as exc:
        validate(only("amount", max_paid_yuan="很多"), couriers=couriers)
    assert exc.value.message == "规则“金额上限”的参数“实付上限（元）”不对：很多"
    with pytest.raises(UserError) as exc:
        validate(only("courier", default="德邦物流"), couriers=couriers)
    assert exc.value.message == "规则“选择快递”中的快递公司不存在或未启用：德邦物流"
    clean = validate(only("region", provinces="香港特别行政区，台湾省", cities=""),
                     couriers=couriers)
    assert clean == only("region", provinces=["香港特别行政区", "台湾省"], cities=[])

"""AS-4: liability per request — packaging intact → the supplier; damaged → courier and
supplier by the damage (seed contract 第五条); customer or ourselves; amounts in fen for
settlement; the finance list with filters and its audited xlsx export."""

import io

import openpyxl
import pytest

from shopops.aftersales.actions.liability import assess_liability, suggestion
from shopops.aftersales.models import Liability
from shopops.core.errors import PermissionDeniedError, UserError
from shopops.core.models import Event
from shopops.fulfillment.models import Courier

from .helpers import R, opened, shipped_back, signed


@pytest.fixture
def returned(make_order, deliver, customer, as_customer, people):
    def make(reason=R.SIZE, **parcel):
        request = opened(as_customer(customer), deliver(make_order()), reason=reason)
        shipped_back(request, as_customer(customer), people.agent)
        signed(request, people.receiver, **parcel)
        return request

    return make


def test_as4_intact_packaging_is_the_suppliers(returned, people, brand_merchant):
    request = returned()
    suggested = suggestion(request)
    assert suggested["damaged"] is False
    assert [(s["party"], s["supplier"], s["amount_fen"]) for s in suggested["shares"]] == [
        ("supplier", brand_merchant, 18900)]
    rows = assess_liability(actor=people.boss, request=request, shares=suggested["shares"],
                            basis=suggested["basis"])
    assert [(r.party, r.supplier, r.amount_fen) for r in rows] == [
        ("supplier", brand_merchant, 18900)]
    assert Event.objects.get(verb="aftersales.liability_assessed").summary == (
        f"{request.number} 责任判定：杭州丝绸品牌商 ¥189.00（外包装完好：由供应商承担（合同第五条））")


def test_as4_damaged_packaging_splits_between_courier_and_supplier(returned, people,
                                                                   brand_merchant):
    request = returned(packaging="damaged", packaging_note="外箱一角压扁")
    suggested = suggestion(request)
    yto = Courier.objects.get(code="yto")
    assert [(s["party"], s["courier"], s["supplier"], s["amount_fen"])
            for s in suggested["shares"]] == [("courier", yto, None, 9450),
                                              ("supplier", None, brand_merchant, 9450)]
    assess_liability(actor=people.boss, request=request, shares=[
        {"party": "courier", "courier": yto, "amount_fen": 12000},
        {"party": "supplier", "supplier": brand_merchant, "amount_fen": 6900}],
        basis="裙摆压痕在外箱破损处，快递多担")
    # A revision voids the first assessment.
    assess_liability(actor=people.boss, request=request, shares=[
        {"party": "courier", "courier": yto, "amount_fen": 18900}], basis="快递认责全额")
    live = Liability.objects.filter(voided_at__isnull=True)
    assert [(r.party, r.amount_fen) for r in live] == [("courier", 18900)]
    assert Liability.objects.filter(voided_at__isnull=False).count() == 2


def test_as4_party_needs_its_supplier_or_courier(returned, people):
    request = returned()
    with pytest.raises(UserError) as exc:
        assess_liability(actor=people.boss, request=request,
                         shares=[{"party": "courier", "courier": None, "amount_fen": 100}])
    assert exc.value.message == "快递承担：请选择快递公司。"
    with pytest.raises(PermissionDeniedError):
        assess_liability(actor=people.agent, request=request,
                         shares=[{"party": "ours", "amount_fen": 100}])


def test_as4_finance_list_filters_and_exports(returned, people, brand_merchant, client_for):
    request = returned()
    assess_liability(actor=people.boss, request=request, shares=[
        {"party": "supplier", "supplier": brand_merchant, "amount_fen": 18900}])
    client = client_for(people.finance)
    page = client.get("/aftersales/liability/", {"supplier": brand_merchant.pk})
    text = page.content.decode()
    assert request.number in text and "¥189.00" in text
    empty = client.get("/aftersales/liability/", {"party": "courier"}).content.decode()
    assert "没有符合条件的责任记录。" in empty
    response = client.get("/aftersales/liability/export.xlsx", {"supplier": brand_merchant.pk})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:7] == ("判定时间", "售后单号", "订单号", "渠道", "责任方类型", "责任方",
                           "承担金额（元）")
    assert rows[1][1:7] == (request.number, request.order.number, "天猫旗舰店", "供应商/品牌商",
                            "杭州丝绸品牌商", 189)
    assert rows[-1][0] == "合计" and rows[-1][6] == 189
    exported = Event.objects.get(verb="aftersales.liabilities_exported")
    assert exported.actor == people.finance and exported.data["count"] == 1

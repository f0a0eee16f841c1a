"""CAT-4 / ANA-6: competitor prices recorded per product, listed over time, cited by a
price change proposal."""

from datetime import timedelta

import pytest
from django.utils import timezone

from shopops.catalog.actions.pricing import propose_price_change, record_competitor_price
from shopops.catalog.models import CompetitorPrice
from shopops.core.errors import PermissionDeniedError, UserError
from shopops.core.models import Event
from tests.factories import make_product


@pytest.fixture
def product(db):
    return make_product("全棉床品四件套", price_fen=39900, code="CP2026")


def test_cat4_record_competitor_price_exactly_with_event(product, staff):
    row = record_competitor_price(actor=staff["product_manager"], product=product,
                                  competitor="罗莱家纺天猫旗舰店", price_fen=35900,
                                  url="https://detail.tmall.com/item.htm?id=1", note="双十一预售")
    assert (row.competitor, row.price_fen, row.recorded_by) == (
        "罗莱家纺天猫旗舰店", 35900, staff["product_manager"])
    event = Event.objects.get(verb="competitor_price.recorded")
    assert event.object_id == str(product.pk)
    assert event.summary == "记录竞品价格：罗莱家纺天猫旗舰店 ¥359.00（双十一预售）"


@pytest.mark.parametrize("role", ["product_manager", "planner", "analyst"])
def test_cat4_posts_with_the_capability_record(product, make_user, role):
    person = make_user(roles=[role])
    record_competitor_price(actor=person, product=product, competitor="京东", price_fen=100)
    assert CompetitorPrice.objects.count() == 1


def test_cat4_posts_without_the_capability_cannot_record(product, staff):
    with pytest.raises(PermissionDeniedError):
        record_competitor_price(actor=staff["reviewer"], product=product, competitor="京东",
                                price_fen=100)
    assert not CompetitorPrice.objects.exists()


@pytest.mark.parametrize("fields, code", [
    ({"competitor": " "}, "competitor_required"),
    ({"price_fen": 0}, "price_not_positive"),
    ({"url": "javascript:alert(1)"}, "bad_url"),
    ({"observed_at": timezone.now() + timedelta(days=1)}, "observed_in_future"),
])
def test_cat4_bad_competitor_price_refused(product, staff, fields, code):
    args = {"competitor": "唯品会", "price_fen": 29900, **fields}
    with pytest.raises(UserError) as exc:
        record_competitor_price(actor=staff["product_manager"], product=product, **args)
    assert exc.value.code == code
    assert not CompetitorPrice.objects.exists()


def test_ana6_competitor_page_lists_prices_over_time(product, staff, client_for):
    now = timezone.now()
    for days, shop, fen in ((30, "水星家纺京东店", 42900), (2, "水星家纺京东店", 37900),
                            (10, "富安娜天猫店", 39900)):
        record_competitor_price(actor=staff["planner"], product=product, competitor=shop,
                                price_fen=fen, observed_at=now - timedelta(days=days))
    body = client_for(staff["reviewer"]).get(f"/catalog/{product.pk}/competitors/").content
    body = body.decode()
    assert "我方最低基准价：¥399.00" in body
    body = body[body.index('data-testid="competitor-list"'):]
    # Newest first: ¥379.00 (2 days), ¥399.00 (10 days), ¥429.00 (30 days).
    assert body.index("¥379.00") < body.index("¥399.00") < body.index("¥429.00")
    assert "-5.0%" in body and "+7.5%" in body and "持平" in body
    assert "record-competitor" not in body  # the reviewer sees, does not record


def test_cat4_record_form_parses_yuan_and_reports_errors(product, staff, client_for):
    client = client_for(staff["product_manager"])
    url = f"/catalog/{product.pk}/competitors/record/"
    response = client.post(url, {"competitor": "淘宝 · 南极人", "price": "¥1,299.5",
                                 "url": "", "note": "", "observed_at": "2026-05-01T10:30"})
    assert response.status_code == 302
    row = CompetitorPrice.objects.get()
    assert row.price_fen == 129950
    assert timezone.localtime(row.observed_at).strftime("%Y-%m-%d %H:%M") == "2026-05-01 10:30"

    bad = client.post(url, {"competitor": "淘宝", "price": "二百"})
    assert bad.status_code == 400
    assert "金额格式不正确" in bad.content.decode()
    assert 'value="淘宝"' in bad.content.decode()
    assert CompetitorPrice.objects.count() == 1
    assert client_for(staff["reviewer"]).post(url, {"competitor": "x", "price": "1"}) \
        .status_code == 403


def test_cat4_price_change_cites_competitor_prices(product, staff, client_for):
    cited = record_competitor_price(actor=staff["product_manager"], product=product,
                                    competitor="罗莱家纺天猫旗舰店", price_fen=35900,
                                    note="双十一预售")
    sku = product.skus.get()
    proposal = propose_price_change(
        actor=staff["product_manager"], product=product, reason="对标罗莱预售价",
        prices=[{"sku_id": sku.pk, "channel_id": None, "new_fen": 36900}],
        competitor_price_ids=[cited.pk])
    body = client_for(staff["manager"]).get(proposal.get_absolute_url()).content.decode()
    assert "参考竞品价格" in body
    assert f"罗莱家纺天猫旗舰店 ¥359.00（{timezone.localdate():%Y-%m-%d}，双十一预售）" in body

    other = record_competitor_price(actor=staff["product_manager"], product=make_product(),
                                    competitor="别的商品", price_fen=100)
    with pytest.raises(UserError) as exc:
        propose_price_change(actor=staff["product_manager"], product=product, reason="x",
                             prices=[{"sku_id": sku.pk, "channel_id": None, "new_fen": 35000}],
                             competitor_price_ids=[other.pk])
    assert exc.value.code == "competitor_price_not_found"


def test_cat4_propose_form_shows_competitor_prices_to_cite(product, staff, client_for):
    record_competitor_price(actor=staff["planner"], product=product,
                            competitor="水星家纺京东店", price_fen=37900)
    body = client_for(staff["product_manager"]).get(
        f"/catalog/{product.pk}/prices/propose/").content.decode()
    assert "水星家纺京东店" in body and "¥379.00" in body and 'name="competitor"' in body

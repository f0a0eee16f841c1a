"""ROLE-6: buyers' names, phones and addresses are masked on staff screens; revealing them
needs service.reveal_pii, lasts a few minutes and is logged."""

import time

import pytest

from shopops.core.models import Event
from shopops.orders.actions import create_order
from shopops.service import privacy
from shopops.service.models import PiiReveal
from tests.factories import channel, make_sku, make_warehouse

FULL_ADDRESS = "浙江省 杭州市 西湖区 文三路 90 号 3 幢 501"


@pytest.mark.parametrize("value, masked", [
    ("陈静", "陈*"), ("欧阳修文", "欧***"), ("王", "*"), ("", ""),
])
def test_role6_names_keep_the_surname(value, masked):
    assert privacy.mask_name(value) == masked


@pytest.mark.parametrize("value, masked", [
    ("13800138000", "138****8000"), ("+86 138 0013 8000", "138****8000"),
    ("0571-88886666", "057****6666"), ("12345", "****"), ("", ""),
])
def test_role6_phones_keep_three_and_four_digits(value, masked):
    assert privacy.mask_phone(value) == masked


def test_role6_addresses_keep_the_region_and_hide_the_street():
    assert privacy.mask_address(FULL_ADDRESS) == "浙江省 杭州市 西湖区 ****"
    assert privacy.mask_address("上海市 上海市 浦东新区 张杨路 500 号") == "上海市 上海市 浦东新区 ****"
    assert privacy.mask_address("") == ""


@pytest.fixture
def order(db):
    warehouse = make_warehouse(code="hz-main")
    sku = make_sku(title="真丝印花连衣裙")
    from shopops.inventory import ledger

    ledger.receive(actor=None, sku=sku, warehouse=warehouse, quantity=5, reference="test")
    return create_order(actor=None, channel=channel("tmall"), lines=[{"sku": sku, "quantity": 1}],
                        customer_name="陈静", customer_phone="13800138000", province="浙江省",
                        city="杭州市", district="西湖区", address_detail="文三路 90 号 3 幢 501",
                        paid=True)


def _html(response):
    assert response.status_code == 200
    return response.content.decode()


def test_role6_order_pages_mask_personal_data(order, make_user, client_for):
    cs = client_for(make_user(roles=["presale_cs"]))
    for url in ("/orders/", f"/orders/{order.pk}/"):
        html = _html(cs.get(url))
        assert "陈*" in html and "陈静" not in html, url
        assert "13800138000" not in html and "文三路" not in html, url
    detail = _html(cs.get(f"/orders/{order.pk}/"))
    assert "138****8000" in detail and "浙江省 杭州市 西湖区 ****" in detail
    assert 'data-testid="reveal-pii"' in detail


def test_role6_reveal_shows_full_data_for_a_while_and_is_logged(order, make_user, client_for,
                                                                 settings):
    agent = make_user(roles=["presale_cs"], display_name="吴倩")
    cs = client_for(agent)
    response = cs.post("/service/privacy/reveal/", {
        "object_type": "orders.order", "object_id": order.pk, "reason": "联系客户确认地址",
        "next": f"/orders/{order.pk}/"})
    assert response.status_code == 302 and response["Location"] == f"/orders/{order.pk}/"
    html = _html(cs.get(f"/orders/{order.pk}/"))
    assert "陈静" in html and "13800138000" in html and FULL_ADDRESS in html
    assert "完整信息已显示" in html
    reveal = PiiReveal.objects.get()
    assert (reveal.viewer, reveal.object_type, reveal.object_id, reveal.reason) == (
        agent, "orders.order", str(order.pk), "联系客户确认地址")
    event = Event.objects.get(verb="pii.revealed")
    assert event.actor == agent and event.object_id == str(order.pk)
    # Only this order, only this person.
    other = client_for(make_user(roles=["presale_cs"]))
    assert "陈静" not in _html(other.get(f"/orders/{order.pk}/"))
    # After the setting's minutes the page masks again.
    session = cs.session
    session[privacy.SESSION_KEY] = {k: time.time() - 1 for k in session[privacy.SESSION_KEY]}
    session.save()
    assert "陈静" not in _html(cs.get(f"/orders/{order.pk}/"))


def test_role6_reveal_needs_the_permission(order, make_user, client_for):
    packer = client_for(make_user(roles=["packer", "presale_cs"], level="read"))
    response = packer.post("/service/privacy/reveal/", {
        "object_type": "orders.order", "object_id": order.pk, "next": "/"})
    assert response.status_code == 403
    assert not PiiReveal.objects.exists() and not Event.objects.filter(verb="pii.revealed")
    html = _html(client_for(make_user(roles=["warehouse_supervisor", "picker"])).get(
        f"/orders/{order.pk}/"))
    assert "陈*" in html


def test_role6_reveal_refuses_unknown_objects(order, make_user, client_for):
    cs = client_for(make_user(roles=["presale_cs"]))
    response = cs.post("/service/privacy/reveal/", {
        "object_type": "accounts.user", "object_id": "1", "next": "/orders/"}, follow=True)
    assert "该对象没有可显示的个人信息" in response.content.decode()
    assert not PiiReveal.objects.exists()


def test_role6_order_api_masks_unless_revealed_and_logs_the_reveal(order, make_user,
                                                                    client_for):
    cs = client_for(make_user(roles=["presale_cs"]))
    listed = cs.get("/api/v1/orders/").json()[0]
    assert (listed["customer_name"], listed["customer_phone"], listed["address"]) == (
        "陈*", "138****8000", "浙江省 杭州市 西湖区 ****")
    assert cs.get(f"/api/v1/orders/{order.pk}").json()["customer_name"] == "陈*"
    assert not PiiReveal.objects.exists()
    full = cs.get(f"/api/v1/orders/{order.pk}?reveal=true").json()
    assert (full["customer_name"], full["customer_phone"], full["address"]) == (
        "陈静", "13800138000", FULL_ADDRESS)
    assert PiiReveal.objects.get().reason == "API"
    picker = client_for(make_user(roles=["picker"]))
    assert picker.get(f"/api/v1/orders/{order.pk}?reveal=true").status_code == 403

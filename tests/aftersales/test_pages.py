"""The after-sales pages: what each person sees and may do, the customer masked on staff
pages (ROLE-6), bad input answered in Chinese with nothing changed, another customer's
things answering 404, and every list in a fixed number of queries whatever its length."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shopops.aftersales.actions.handling import approve_request, set_dispute
from shopops.aftersales.actions.liability import assess_liability
from shopops.aftersales.actions.receiving import mark_receiving_fault, register_parcel
from shopops.aftersales.models import AfterSale, AfterSalePhoto
from shopops.core.models import Event

from .conftest import jpeg, stored_files
from .helpers import R, opened, shipped_back, signed

S = AfterSale.State


def _queries(client, url):
    client.get(url)  # warm caches (settings, sessions)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.fixture
def many(make_order, deliver, customer, as_customer, people, brand_merchant):
    """many(n) → n more requests in assorted states: waiting, approved with a dispute,
    signed for with a parcel and a liability, rejected."""
    made = []

    def make(n):
        for i in range(n):
            request = opened(as_customer(customer), deliver(make_order()))
            if i % 4 == 1:
                approve_request(actor=people.agent, request=request)
                set_dispute(actor=people.agent, request=request, note="天猫维权")
            elif i % 4 == 2:
                shipped_back(request, as_customer(customer), people.agent,
                             waybill=f"YT88{len(made):08d}")
                parcel = signed(request, people.receiver, waybill=f"YT88{len(made):08d}")
                mark_receiving_fault(actor=people.wh_boss, parcel=parcel, kind="not_passed_on",
                                     note="没有及时告诉客服")
                assess_liability(actor=people.boss, request=request, shares=[
                    {"party": "supplier", "supplier": brand_merchant, "amount_fen": 18900}])
            elif i % 4 == 3:
                from shopops.aftersales.actions.handling import reject_request

                reject_request(actor=people.agent, request=request, reason="超出期限")
            made.append(request)
        return made

    return make


LISTS = ["/aftersales/?state=all", "/aftersales/table/?state=all", "/aftersales/?state=open&dispute=1", "/aftersales/today/",
         "/aftersales/parcels/", "/aftersales/liability/", "/aftersales/parcels/faults/"]


def test_as5_every_staff_list_has_flat_queries(many, people, client_for, make_user,
                                               django_assert_max_num_queries):
    client = client_for(make_user(roles=["manager", "warehouse_supervisor", "cs_supervisor"]))
    many(4)
    small = {url: _queries(client, url) for url in LISTS}
    many(8)
    for url in LISTS:
        assert _queries(client, url) == small[url], url
        with django_assert_max_num_queries(20):
            client.get(url)


def test_as1_shop_lists_have_flat_queries(shop_account, paid_in_shop, deliver, shop_client):
    from shopops.core.actors import customer_actor

    customer = shop_account.customer
    client = shop_client(shop_account)
    orders = [deliver(paid_in_shop(customer)) for _ in range(2)]
    for order in orders:
        opened(customer_actor(customer), order)
    urls = ["/shop/aftersales/", f"/shop/orders/{orders[0].pk}/"]
    small = {url: _queries(client, url) for url in urls}
    for _ in range(4):
        opened(customer_actor(customer), deliver(paid_in_shop(customer)))
    opened(customer_actor(customer), orders[0])
    for url in urls:
        assert _queries(client, url) == small[url], url


def test_as1_queue_filters_and_counts(many, people, client_for):
    requests = many(4)
    client = client_for(people.agent)
    html = client.get("/aftersales/").content.decode()
    assert requests[0].number in html and requests[3].number not in html  # rejected: not open
    disputes = client.get("/aftersales/?state=&dispute=1").content.decode()
    assert requests[1].number in disputes and requests[0].number not in disputes
    found = client.get(f"/aftersales/?state=all&q={requests[3].order.number}").content.decode()
    assert requests[3].number in found and requests[0].number not in found


def test_role6_staff_pages_mask_the_customer_until_revealed(many, people, client_for):
    request = many(1)[0]
    client = client_for(people.agent)
    html = client.get(f"/aftersales/{request.pk}/").content.decode()
    assert "陈*" in html and "138****8000" in html and "文三路" not in html
    client.post("/service/privacy/reveal/", {"object_type": "aftersales.aftersale",
                                            "object_id": request.pk, "reason": "核对退货地址",
                                            "next": f"/aftersales/{request.pk}/"})
    html = client.get(f"/aftersales/{request.pk}/").content.decode()
    assert "陈静" in html and "13800138000" in html and "文三路 90 号" in html
    assert Event.objects.filter(verb="pii.revealed", object_type="aftersales.aftersale").exists()


def test_as1_reject_without_reason_says_so_and_changes_nothing(many, people, client_for):
    request = many(1)[0]
    client = client_for(people.agent)
    response = client.post(f"/aftersales/{request.pk}/reject/", {"reason": ""}, follow=True)
    assert "请填写拒绝原因（客户会看到）。" in response.content.decode()
    request.refresh_from_db()
    assert request.state == S.REQUESTED


def test_as1_only_handlers_approve(many, people, client_for):
    request = many(1)[0]
    assert client_for(people.receiver).post(f"/aftersales/{request.pk}/approve/").status_code \
        == 403
    request.refresh_from_db()
    assert request.state == S.REQUESTED


def test_as1_shop_oversize_photo_refused_in_chinese_nothing_stored(shop_account, paid_in_shop,
                                                                   deliver, shop_client,
                                                                   media_root):
    order = deliver(paid_in_shop(shop_account.customer))
    line = order.lines.get()
    response = shop_client(shop_account).post(f"/shop/aftersales/new/{order.pk}/", {
        "kind": "return", "reason": "quality", f"qty_{line.pk}": "1", "refund": "189",
        "description": "领口脱线", "photos": [jpeg(20, "小图.jpg"), jpeg(800, "原图.jpg")]})
    html = response.content.decode()
    assert response.status_code == 200
    assert "图片「原图.jpg」大小 800.0 KB，超过上限 500 KB，未提交，所有图片均未保存。" in html
    assert "领口脱线" in html  # what was typed is kept on the form
    assert not AfterSale.objects.exists() and not AfterSalePhoto.objects.exists()
    assert stored_files(media_root) == []


def test_as1_another_customers_order_and_request_answer_404(shop_account, paid_in_shop, deliver,
                                                           shop_client, b2c):
    from shopops.core.actors import customer_actor
    from shopops.storefront.actions.accounts import register_customer

    order = deliver(paid_in_shop(shop_account.customer))
    request = opened(customer_actor(shop_account.customer), order)
    stranger = register_customer(mobile="13911112222", name="李婷", password="Shop2026pass",
                                 channel=b2c)
    client = shop_client(stranger)
    assert client.get(f"/shop/aftersales/new/{order.pk}/").status_code == 404
    assert client.post(f"/shop/aftersales/new/{order.pk}/", {"kind": "return"}).status_code == 404
    assert client.get(f"/shop/aftersales/{request.pk}/").status_code == 404
    assert client.post(f"/shop/aftersales/{request.pk}/cancel/").status_code == 404
    photo = AfterSalePhoto.objects.filter(request=request).first()
    if photo is not None:
        assert client.get(f"/shop/aftersales/photos/{photo.pk}/").status_code == 404
    request.refresh_from_db()
    assert request.state == S.REQUESTED


def test_as1_shop_customer_cancels_own_request(shop_account, paid_in_shop, deliver, shop_client):
    from shopops.core.actors import customer_actor

    order = deliver(paid_in_shop(shop_account.customer))
    request = opened(customer_actor(shop_account.customer), order)
    client = shop_client(shop_account)
    assert "撤销申请" in client.get(f"/shop/aftersales/{request.pk}/").content.decode()
    html = client.post(f"/shop/aftersales/{request.pk}/cancel/", {"reason": "不退了"},
                       follow=True).content.decode()
    assert "售后申请已撤销。" in html
    request.refresh_from_db()
    assert request.state == S.CANCELLED


def test_as1_shop_order_panel_hides_the_button_when_nothing_is_left(shop_account, paid_in_shop,
                                                                    deliver, shop_client):
    from shopops.core.actors import customer_actor

    order = deliver(paid_in_shop(shop_account.customer))
    request = opened(customer_actor(shop_account.customer), order, quantity=2,
                     refund_fen=37800)
    html = shop_client(shop_account).get(f"/shop/orders/{order.pk}/").content.decode()
    assert request.number in html and "申请售后</a>" not in html


def test_as1_unpaid_shop_order_says_why(shop_account, make_order, b2c, shop_client):
    order = make_order(chan=b2c, paid=False, who=shop_account.customer)
    html = shop_client(shop_account).get(f"/shop/orders/{order.pk}/").content.decode()
    assert "订单未付款，无需售后，可直接取消。" in html


def test_as1_staff_order_page_lists_its_requests(many, people, client_for):
    request = many(1)[0]
    html = client_for(people.agent).get(f"/orders/{request.order.pk}/").content.decode()
    assert request.number in html and "为客户登记售后" in html


def test_as1_staff_registers_a_request_for_a_platform_customer(make_order, deliver, people,
                                                               client_for):
    order = deliver(make_order())
    line = order.lines.get()
    client = client_for(people.agent)
    assert "退货退款" in client.get(f"/aftersales/new/{order.pk}/").content.decode()
    response = client.post(f"/aftersales/new/{order.pk}/", {
        "kind": "exchange", "reason": "size", f"qty_{line.pk}": "1",
        f"sku_{line.pk}": line.sku.product.skus.exclude(pk=line.sku_id).get().pk,
        "description": "客户旺旺说 M 码小了，换 L"}, follow=True)
    request = AfterSale.objects.get()
    assert (request.kind, request.created_by, request.handler) == ("exchange", people.agent,
                                                                    people.agent)
    assert "已登记售后单" in response.content.decode()


def test_as2_desk_page_shows_the_rules_and_a_wrong_decision_needs_a_reason(people, client_for):
    client = client_for(people.receiver)
    html = client.get("/aftersales/parcels/").content.decode()
    for label in ("到付未约定", "已同意售后", "匹配到订单", "无法匹配"):
        assert label in html
    response = client.post("/aftersales/parcels/", {"waybill_no": "ZT0001112223",
                                                    "packaging": "intact",
                                                    "decision": "signed"}, follow=True)
    assert "规则「无法匹配」建议拒收，您选择了签收：请填写原因。" in response.content.decode()
    response = client.post("/aftersales/parcels/", {"waybill_no": "ZT0001112223",
                                                    "packaging": "intact",
                                                    "decision": "refused"}, follow=True)
    assert "已登记 SJ" in response.content.decode()


def test_as5_supervisor_sees_overdue_first_and_today(many, people, client_for):
    from datetime import timedelta

    from django.utils import timezone

    requests = many(3)
    late = requests[2]
    AfterSale.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(hours=2),
                                                created_at=timezone.now() - timedelta(days=2))
    html = client_for(people.supervisor).get("/aftersales/today/").content.decode()
    assert html.index(f"row-{late.number}") < html.index(f"row-{requests[0].number}")
    assert 'data-testid="overdue-count">1<' in html
    assert 'data-testid="dispute-count">1<' in html
    assert 'data-testid="new-count">2<' in html


def test_as2_receiver_cannot_open_the_supervisors_pages(people, client_for):
    client = client_for(people.receiver)
    assert client.get("/aftersales/parcels/faults/").status_code == 403
    assert client.get("/aftersales/today/").status_code == 403
    assert client.get("/aftersales/liability/").status_code == 403


def test_as2_unregistered_parcel_marked_from_the_fault_page(people, client_for):
    client = client_for(people.wh_boss)
    client.post("/aftersales/parcels/faults/", {"receiver": people.receiver.pk,
                                                "kind": "not_registered",
                                                "note": "韵达退件未登记"})
    event = Event.objects.get(verb="aftersales.receiving_fault")
    assert event.data["receiver"] == people.receiver.pk and event.actor == people.wh_boss


def test_as2_register_page_keeps_a_reason_for_a_refusal_of_a_matched_parcel(make_order, deliver,
                                                                           customer, as_customer,
                                                                           people):
    request = opened(as_customer(customer), deliver(make_order()), reason=R.SIZE)
    shipped_back(request, as_customer(customer), people.agent)
    parcel = register_parcel(actor=people.receiver, waybill_no="YT8801234567",
                             decision="refused", note="包裹内是别家商品")
    assert parcel.decision != parcel.suggested and parcel.problem

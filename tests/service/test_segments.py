"""CS-4 segments (客户分群): rules over tags, orders, spending, recency, province and flag,
evaluated with flat queries; the segment page lists its customers masked; the xlsx export
needs its own permission and is recorded (ROLE-4)."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from shopops.accounts.models import Role, RoleAssignment
from shopops.core.errors import PermissionDeniedError, UserError
from shopops.core.models import Event
from shopops.orders.models import Order
from shopops.service.actions import customers as customer_actions
from shopops.service.actions.segments import clean_rules, export_segment, save_segment
from shopops.service.models import CustomerTag, Segment


@pytest.fixture
def people(make_customer, make_order, wuqian):
    """陈静: VIP, 2 orders ¥398, 浙江 address; 李婷: 1 order ¥199 in 上海 60 days ago;
    王芳: VIP, 1 order cancelled, 1 unpaid; 赵强: confirmed bad customer, 3 orders."""
    vip = CustomerTag.objects.create(name="VIP")
    chen = make_customer(name="陈静", phone="13800138001", tags=[vip])
    customer_actions.add_address(actor=wuqian, customer=chen, recipient="陈静",
                                 phone="13800138001", province="浙江省", city="杭州市",
                                 detail="文三路 90 号")
    make_order(chen)
    make_order(chen)
    li = make_customer(name="李婷", phone="13912345678")
    old = make_order(li, province="上海市", city="上海市")
    Order.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=60))
    wang = make_customer(name="王芳", phone="13711112222", tags=[vip])
    cancelled = make_order(wang)
    Order.objects.filter(pk=cancelled.pk).update(state="cancelled")
    make_order(wang, paid=False)
    zhao = make_customer(name="赵强", phone="13344445555", flag="confirmed")
    for _ in range(3):
        make_order(zhao)
    return {"vip": vip, "chen": chen, "li": li, "wang": wang, "zhao": zhao}


def members(rules):
    from shopops.service.queries_customers import apply_rules, with_figures

    return {c.name for c in apply_rules(with_figures(), rules)}


def test_cs4_segment_rules_select_exactly(people):
    assert members({"tags": [people["vip"].pk]}) == {"陈静", "王芳"}
    # Cancelled and unpaid orders are not purchases.
    assert members({"min_orders": 2}) == {"陈静", "赵强"}
    assert members({"min_spent_fen": 39800}) == {"陈静", "赵强"}
    assert members({"min_spent_fen": 39801}) == {"赵强"}
    assert members({"last_order_days": 30}) == {"陈静", "赵强"}
    # Province from the address book or from an order.
    assert members({"province": "浙江"}) == {"陈静", "赵强"}
    assert members({"province": "上海"}) == {"李婷"}
    assert members({"flag": ""}) == {"陈静", "李婷", "王芳"}
    assert members({"tags": [people["vip"].pk], "min_orders": 1}) == {"陈静"}


def test_cs4_rules_from_the_form_in_yuan_and_bad_input(people, zhoumin):
    rules = clean_rules(tags=[people["vip"]], min_orders="2", min_spent_yuan="398",
                        last_order_days="", province=" 浙江 ", flag="any")
    assert rules == {"tags": [people["vip"].pk], "min_orders": 2, "min_spent_fen": 39800,
                     "province": "浙江"}
    with pytest.raises(UserError, match="「最少订单数」须为数字"):
        clean_rules(min_orders="两单")
    with pytest.raises(UserError, match="请至少设置一个条件"):
        save_segment(actor=zhoumin, name="空", rules={})
    assert not Segment.objects.exists()


def test_cs4_segment_page_lists_its_customers_masked(people, zhoumin, client_for,
                                                     django_assert_max_num_queries):
    segment = save_segment(actor=zhoumin, name="复购客户", rules={"min_orders": 2},
                           description="两单及以上")
    client = client_for(zhoumin)
    client.get(f"/service/segments/{segment.pk}/")
    with django_assert_max_num_queries(10):
        html = client.get(f"/service/segments/{segment.pk}/").content.decode()
    assert html.count("data-customer=") == 2
    assert "陈*" in html and "赵*" in html and "陈静" not in html and "138****8001" in html
    assert "订单数 ≥ 2" in html
    listing = client.get("/service/segments/").content.decode()
    assert "复购客户" in listing and "订单数 ≥ 2" in listing


def test_cs4_create_a_segment_through_the_page(people, zhoumin, client_for):
    response = client_for(zhoumin).post("/service/segments/new/", {
        "name": "浙江 VIP", "tags": [people["vip"].pk], "province": "浙江", "flag": "any"},
        follow=True)
    segment = Segment.objects.get()
    assert segment.rules == {"tags": [people["vip"].pk], "province": "浙江"}
    assert "已保存分群。" in response.content.decode()
    assert f'data-customer="{people["chen"].pk}"' in response.content.decode()


def test_role4_segment_export_needs_the_permission_and_is_recorded(people, zhoumin, wuqian,
                                                                   staff, client_for):
    segment = save_segment(actor=zhoumin, name="VIP", rules={"tags": [people["vip"].pk]})
    for user in (wuqian, staff["planner"]):
        assert client_for(user).post(f"/service/segments/{segment.pk}/export/").status_code == 403
        with pytest.raises(PermissionDeniedError):
            export_segment(actor=user, segment=segment)
    assert not Event.objects.filter(verb="segment.exported").exists()

    response = client_for(zhoumin).post(f"/service/segments/{segment.pk}/export/")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("客户编号", "姓名", "手机")
    assert {(r[1], r[2]) for r in rows[1:]} == {("陈静", "13800138001"), ("王芳", "13711112222")}
    event = Event.objects.get(verb="segment.exported")
    assert event.actor == zhoumin
    assert event.summary == "导出客户分群「VIP」2 位客户（含完整姓名电话）"


def test_role6_an_exporter_without_reveal_rights_gets_masked_data(people, zhoumin, make_user):
    role = Role.objects.create(code="crm_exporter", name="会员数据专员",
                               capabilities=["service.export_customers"])
    exporter = make_user()
    RoleAssignment.objects.create(user=exporter, role=role)
    segment = save_segment(actor=zhoumin, name="VIP", rules={"tags": [people["vip"].pk]})
    rows = list(load_workbook(BytesIO(export_segment(actor=exporter, segment=segment)))
                .active.iter_rows(values_only=True))
    assert {(r[1], r[2]) for r in rows[1:]} == {("陈*", "138****8001"), ("王*", "137****2222")}
    assert "姓名电话已打码" in Event.objects.get(verb="segment.exported").summary

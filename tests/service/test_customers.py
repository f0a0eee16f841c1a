"""CS-4 customer records: the list (search, filters, masked names and phones), create and
edit with events, the customer's page with every part of the record, linking the orders
placed under the customer's phone, tags, and the logged reveal of personal data (ROLE-6)."""

import pytest

from shopops.aftersales.models import AfterSale
from shopops.core.errors import ConflictError, UserError
from shopops.core.models import Event
from shopops.service.actions import customers as actions
from shopops.service.models import Customer, CustomerTag, PiiReveal
from shopops.service.quality import inspect_conversation

from .test_quality import dress_sale


def html_of(response):
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def vip(db):
    return CustomerTag.objects.create(name="VIP", colour="#b45309")


def test_cs4_create_and_edit_are_recorded_without_personal_data(wuqian):
    customer = actions.create_customer(actor=wuqian, name="陈静", phone="138 0013 8000",
                                       nick="静静_hz")
    assert customer.number.startswith("KH") and customer.phone == "13800138000"
    created = Event.objects.get(verb="customer.created")
    assert created.summary == f"新建客户档案 陈*（{customer.number}）"
    assert "陈静" not in created.object_repr
    actions.update_customer(actor=wuqian, customer=customer, phone="13900139000",
                            note="喜欢真丝面料")
    updated = Event.objects.get(verb="customer.updated")
    assert updated.summary == f"修改客户档案 陈*（{customer.number}）：手机、备注"
    assert updated.changes["phone"] == ["***", "***"]
    assert updated.changes["note"] == ["", "喜欢真丝面料"]


def test_cs4_a_phone_belongs_to_one_customer_and_a_name_is_required(wuqian):
    first = actions.create_customer(actor=wuqian, name="陈静", phone="13800138000")
    with pytest.raises(ConflictError, match=f"已有客户档案 {first.number}"):
        actions.create_customer(actor=wuqian, name="陈小静", phone="13800138000")
    with pytest.raises(UserError, match="请填写客户姓名"):
        actions.create_customer(actor=wuqian, name="  ")
    assert Customer.objects.count() == 1


def test_cs4_list_masks_names_and_phones_and_searches(make_customer, wuqian, client_for, vip):
    chen = make_customer(name="陈静", phone="13800138000", nick="静静_hz", tags=[vip])
    li = make_customer(name="李婷", phone="13912345678")
    client = client_for(wuqian)
    html = html_of(client.get("/service/customers/"))
    assert "陈*" in html and "138****8000" in html and "李*" in html
    assert "陈静" not in html and "13800138000" not in html
    for q in ("陈静", "8000", chen.number, "静静", "VIP"):
        found = html_of(client.get("/service/customers/", {"q": q}))
        assert f'data-customer="{chen.pk}"' in found and f'data-customer="{li.pk}"' not in found, q
    by_tag = html_of(client.get("/service/customers/", {"tag": vip.pk}))
    assert f'data-customer="{chen.pk}"' in by_tag and f'data-customer="{li.pk}"' not in by_tag


def test_cs4_list_filters_by_flag_and_segment(make_customer, wuqian, client_for, vip):
    from shopops.service.models import Segment

    bad = make_customer(name="赵某", phone="13300000001", flag="confirmed")
    fan = make_customer(name="周洁", phone="13300000002", tags=[vip])
    segment = Segment.objects.create(name="VIP 客户", rules={"tags": [vip.pk]})
    client = client_for(wuqian)
    flagged = html_of(client.get("/service/customers/", {"flag": "confirmed"}))
    assert f'data-customer="{bad.pk}"' in flagged and f'data-customer="{fan.pk}"' not in flagged
    assert "劣质客户" in flagged
    in_segment = html_of(client.get("/service/customers/", {"segment": segment.pk}))
    assert f'data-customer="{fan.pk}"' in in_segment and f'data-customer="{bad.pk}"' not in in_segment


def test_cs4_list_queries_are_bounded(make_customer, make_order, wuqian, client_for, vip,
                                      django_assert_max_num_queries):
    other = CustomerTag.objects.create(name="老客户")
    for n in range(30):
        customer = make_customer(name=f"客户{n:02d}", phone=f"1380000{n:04d}", tags=[vip, other])
        if n % 3 == 0:
            make_order(customer)
            make_order(customer)
    client = client_for(wuqian)
    client.get("/service/customers/")
    with django_assert_max_num_queries(10):
        html = html_of(client.get("/service/customers/"))
    assert html.count("data-customer=") == 30
    assert html.count("¥398.00") == 10  # two ¥199 orders each for every third customer


def test_cs4_detail_shows_the_whole_record_masked(make_customer, make_order, talk, wuqian,
                                                  make_review, client_for, vip):
    customer = make_customer(name="陈静", phone="13800138000", email="chenjing@example.com",
                             tags=[vip])
    actions.add_address(actor=wuqian, customer=customer, recipient="陈静", phone="13800138000",
                        province="浙江省", city="杭州市", district="西湖区",
                        detail="文三路 90 号东部软件园 3 幢 501")
    order = make_order(customer)
    AfterSale.objects.create(number="SH20261206-0001", order=order, customer=customer,
                             kind="exchange", reason="size", description="M 码偏小")
    make_review(order, 2, "颜色和图片差很多")
    check = inspect_conversation(talk(wuqian, dress_sale(closing=None), customer=customer))
    html = html_of(client_for(wuqian).get(f"/service/customers/{customer.pk}/"))
    assert "陈静" not in html and "13800138000" not in html and "文三路" not in html
    assert "陈*" in html and "138****8000" in html and "c****@example.com" in html
    assert "浙江省 杭州市 西湖区 ****" in html
    assert order.number in html and "SH20261206-0001" in html and "换货" in html
    assert "颜色和图片差很多" in html and "差评" in html
    assert check.conversation.number in html
    assert f'href="/service/quality/{check.pk}/"' in html and ">90<" in html
    assert "1 个会话已质检，平均 90.0 分" in html and "没有结束语 1" in html
    assert 'data-testid="reveal-pii"' in html


def test_role6_reveal_on_the_customer_page_is_logged(make_customer, wuqian, client_for):
    customer = make_customer(name="陈静", phone="13800138000")
    client = client_for(wuqian)
    url = f"/service/customers/{customer.pk}/"
    client.post("/service/privacy/reveal/", {"object_type": "service.customer",
                                             "object_id": customer.pk, "next": url,
                                             "reason": "客户来电核对地址"})
    html = html_of(client.get(url))
    assert "陈静" in html and "13800138000" in html and "完整信息已显示" in html
    reveal = PiiReveal.objects.get()
    assert (reveal.viewer, reveal.object_type, reveal.object_id, reveal.reason) == (
        wuqian, "service.customer", str(customer.pk), "客户来电核对地址")
    assert Event.objects.filter(verb="pii.revealed", object_id=str(customer.pk)).exists()
    # The reveal lives in this person's session only: another session still sees the mask.
    other = client_for(wuqian)
    assert "13800138000" not in html_of(other.get(url))


def test_role6_without_the_reveal_permission_there_is_no_button(make_customer, staff,
                                                               client_for):
    customer = make_customer(name="陈静", phone="13800138000")
    html = html_of(client_for(staff["general_manager"]).get(f"/service/customers/{customer.pk}/"))
    assert "138****8000" in html and 'data-testid="reveal-pii"' not in html


def test_role6_the_edit_form_keeps_masked_fields_unless_revealed(make_customer, wuqian,
                                                                client_for):
    customer = make_customer(name="陈静", phone="13800138000")
    client = client_for(wuqian)
    html = html_of(client.get(f"/service/customers/{customer.pk}/edit/"))
    assert "13800138000" not in html and 'placeholder="138****8000"' in html
    client.post(f"/service/customers/{customer.pk}/edit/",
                {"name": "", "phone": "", "email": "", "nick": "静静_hz", "note": "老客户"})
    customer.refresh_from_db()
    assert (customer.name, customer.phone, customer.nick) == ("陈静", "13800138000", "静静_hz")


def test_cs4_orders_under_the_same_phone_are_offered_and_linked(make_customer, make_order,
                                                               wuqian, client_for):
    customer = make_customer(name="陈静", phone="13800138000")
    mine = [make_order(), make_order()]
    someone_else = make_order(customer_phone="13911112222")
    client = client_for(wuqian)
    html = html_of(client.get(f"/service/customers/{customer.pk}/"))
    assert mine[0].number in html and mine[1].number in html
    assert someone_else.number not in html
    response = client.post(f"/service/customers/{customer.pk}/link-orders/",
                           {"orders": [o.pk for o in mine] + [someone_else.pk]}, follow=True)
    assert "已关联 2 个订单。" in response.content.decode()
    assert set(customer.orders.values_list("pk", flat=True)) == {o.pk for o in mine}
    event = Event.objects.get(verb="customer.orders_linked")
    assert mine[0].number in event.summary and mine[1].number in event.summary


def test_cs4_an_order_of_another_customer_is_not_taken(make_customer, make_order, wuqian):
    chen = make_customer(name="陈静", phone="13800138000")
    li = make_customer(name="李婷", phone="13912345678")
    order = make_order(li)
    with pytest.raises(ConflictError, match="已属于其他客户"):
        actions.link_orders(actor=wuqian, customer=chen, orders=[order])
    order.refresh_from_db()
    assert order.customer == li


def test_cs4_tags_are_assigned_and_removed(make_customer, wuqian, client_for, vip):
    customer = make_customer()
    client = client_for(wuqian)
    client.post(f"/service/customers/{customer.pk}/tag/", {"tag": vip.pk})
    assert list(customer.tags.all()) == [vip]
    client.post(f"/service/customers/{customer.pk}/tag/", {"tag": vip.pk, "op": "remove"})
    assert not customer.tags.exists()
    assert [e.verb for e in Event.objects.filter(object_id=str(customer.pk)).order_by("pk")] == [
        "customer.tagged", "customer.untagged"]


def test_cs4_tags_page_creates_renames_and_deletes(make_customer, wuqian, client_for, vip):
    customer = make_customer(tags=[vip])
    client = client_for(wuqian)
    client.post("/service/customers/tags/", {"name": "尺码偏大", "colour": "#15803d"})
    assert CustomerTag.objects.filter(name="尺码偏大").exists()
    client.post("/service/customers/tags/", {"tag": vip.pk, "name": "VIP 会员",
                                             "colour": "#b45309"})
    vip.refresh_from_db()
    assert vip.name == "VIP 会员"
    response = client.post("/service/customers/tags/", {"tag": vip.pk, "op": "delete"},
                           follow=True)
    assert "1 位客户移除此标签" in response.content.decode()
    assert not customer.tags.exists()


def test_cs4_create_customer_through_the_page(wuqian, client_for):
    response = client_for(wuqian).post("/service/customers/new/", {
        "name": "王芳", "phone": "13711112222", "nick": "芳芳", "gender": "f"}, follow=True)
    customer = Customer.objects.get()
    assert response.redirect_chain[-1][0] == f"/service/customers/{customer.pk}/"
    assert f"已建档：{customer.number}。" in response.content.decode()


def test_cs4_detail_page_queries_are_bounded(make_customer, make_order, talk, wuqian,
                                             client_for, make_review,
                                             django_assert_max_num_queries):
    customer = make_customer()
    for n in range(8):
        order = make_order(customer)
        make_review(order, 5 - n % 3, "面料很舒服")
        inspect_conversation(talk(wuqian, dress_sale(), customer=customer, order=order))
        make_order()  # unlinked, same phone: offered for linking
    client = client_for(wuqian)
    url = f"/service/customers/{customer.pk}/"
    client.get(url)
    with django_assert_max_num_queries(24):
        html_of(client.get(url))

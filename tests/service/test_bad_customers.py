"""CS-5 bad customers (劣质客户): an agent reports with reason and evidence, the customer shows
"劣质客户待确认", the CS supervisor confirms or rejects with a comment — never their own
report — and the decision is recorded."""

import pytest

from shopops.core.errors import ConflictError, PermissionDeniedError, UserError
from shopops.core.models import Event, Notification
from shopops.service.actions.bad_customers import (
    confirm_bad_customer,
    reject_bad_customer,
    report_bad_customer,
)


@pytest.fixture
def customer(make_customer):
    return make_customer(name="赵强", phone="13344445555")


def test_cs5_agent_flags_supervisor_confirms(customer, make_order, talk, wuqian, zhoumin,
                                             client_for):
    order = make_order(customer)
    conversation = talk(wuqian, [("客户", 0, "不给我退全款我就给差评，天天投诉你们")],
                        customer=customer)
    report = report_bad_customer(actor=wuqian, customer=customer,
                                 reason="以差评要挟索要全额退款",
                                 evidence="已穿着洗过，吊牌已剪，坚持全额退款并威胁投诉。",
                                 conversation=conversation, order=order)
    customer.refresh_from_db()
    assert customer.flag == "proposed"
    assert customer.get_flag_display() == "劣质客户待确认"
    note = Notification.objects.get(recipient=zhoumin)
    assert note.title == f"劣质客户待确认：赵*（{customer.number}）"
    page = client_for(wuqian).get(f"/service/customers/{customer.pk}/").content.decode()
    assert "劣质客户待确认" in page and "以差评要挟索要全额退款" in page

    confirm_bad_customer(actor=zhoumin, report=report, comment="核实聊天记录属实，备案。")
    customer.refresh_from_db()
    report.refresh_from_db()
    assert customer.flag == "confirmed" and customer.get_flag_display() == "劣质客户"
    assert (report.state, report.decided_by, report.decision_comment) == (
        "confirmed", zhoumin, "核实聊天记录属实，备案。")
    event = Event.objects.get(verb="bad_customer.confirmed")
    assert event.summary == (f"确认劣质客户 赵*（{customer.number}）：以差评要挟索要全额退款"
                             "（核实聊天记录属实，备案。）")
    assert Notification.objects.filter(recipient=wuqian,
                                       title__startswith="劣质客户已确认").exists()


def test_cs5_supervisor_rejects_and_the_flag_goes_back(customer, wuqian, zhoumin):
    report = report_bad_customer(actor=wuqian, customer=customer, reason="语气不好")
    reject_bad_customer(actor=zhoumin, report=report, comment="只是着急，不属于劣质客户。")
    customer.refresh_from_db()
    assert customer.flag == ""
    report.refresh_from_db()
    assert report.state == "rejected"


def test_cs5_nobody_decides_their_own_report(customer, zhoumin, make_user):
    report = report_bad_customer(actor=zhoumin, customer=customer, reason="恶意拍下不付款")
    with pytest.raises(PermissionDeniedError, match="不能确认或驳回自己的上报"):
        confirm_bad_customer(actor=zhoumin, report=report, comment="确认")
    report.refresh_from_db()
    assert report.state == "proposed"
    deputy = make_user(roles=["cs_supervisor"], display_name="钱主管")
    confirm_bad_customer(actor=deputy, report=report, comment="同意")
    customer.refresh_from_db()
    assert customer.flag == "confirmed"


def test_cs5_an_agent_cannot_confirm_and_a_comment_is_required(customer, wuqian, zhengli,
                                                               zhoumin):
    report = report_bad_customer(actor=wuqian, customer=customer, reason="多次无理由拒收")
    with pytest.raises(PermissionDeniedError):
        confirm_bad_customer(actor=zhengli, report=report, comment="确认")
    with pytest.raises(UserError, match="请填写主管意见"):
        confirm_bad_customer(actor=zhoumin, report=report, comment=" ")
    customer.refresh_from_db()
    assert customer.flag == "proposed"


def test_cs5_one_pending_report_at_a_time_and_none_once_confirmed(customer, wuqian, zhengli,
                                                                  zhoumin):
    report = report_bad_customer(actor=wuqian, customer=customer, reason="多次无理由拒收")
    with pytest.raises(ConflictError, match="已有待主管确认的上报"):
        report_bad_customer(actor=zhengli, customer=customer, reason="恶意差评")
    confirm_bad_customer(actor=zhoumin, report=report, comment="属实")
    with pytest.raises(ConflictError, match="已确认为劣质客户"):
        report_bad_customer(actor=zhengli, customer=customer, reason="恶意差评")


def test_cs5_report_and_decide_through_the_pages(customer, wuqian, zhoumin, client_for,
                                                 django_assert_max_num_queries, make_customer):
    client_for(wuqian).post(f"/service/customers/{customer.pk}/report-bad/",
                            {"reason": "恶意拍下不付款", "evidence": "一周内拍下 6 单均未付款"})
    report = customer.bad_reports.get()
    for n in range(10):
        other = make_customer(name=f"客户{n}", phone=f"1350000{n:04d}")
        report_bad_customer(actor=wuqian, customer=other, reason="恶意退货")
    client = client_for(zhoumin)
    client.get("/service/bad-customers/")
    with django_assert_max_num_queries(10):
        html = client.get("/service/bad-customers/").content.decode()
    assert html.count("data-report=") == 11 and "赵*" in html and "赵强" not in html
    response = client.post(f"/service/bad-customers/{report.pk}/decide/",
                           {"op": "confirm", "comment": "属实，备案"}, follow=True)
    assert "已确认为劣质客户。" in response.content.decode()
    customer.refresh_from_db()
    assert customer.flag == "confirmed"

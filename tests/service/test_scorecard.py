"""HR-KPI for customer service: the agents' conversion rate, quality score and response
times on the staff scorecards, read from the conversations (CS-3, CS-7)."""

from decimal import Decimal

from django.utils import timezone

from shopops.orders.models import Order
from shopops.service.quality import inspect_conversation
from shopops.staff.metrics import month_measures

from .conftest import today_at


def test_hrkpi_cs_measures_come_from_the_agents_conversations(talk, make_customer, make_order,
                                                               wuqian, zhengli, make_user,
                                                               client_for,
                                                               django_assert_max_num_queries):
    chen = make_customer(name="陈静", phone="13800138001")
    li = make_customer(name="李婷", phone="13912345678")
    clean = [("客户", 0, "在吗？这款连衣裙有M码吗？"),
             ("客服", 10, "您好，欢迎来到五步商城！M码有现货，请放心拍下。"),
             ("客服", 290, "好的，非常感谢您对五步商城的关注与支持，再见！")]
    slow = [("客户", 0, "这件衬衫会缩水吗？"),
            ("客服", 70, "您好，欢迎来到五步商城！请按洗涤说明冷水手洗就不会缩水。"),
            ("客服", 300, "好的，非常感谢您对五步商城的关注与支持，再见！")]
    first = talk(wuqian, clean, customer=chen, stage="presale", start=today_at(9))
    second = talk(wuqian, slow, customer=li, stage="presale", start=today_at(9, 30))
    for conversation in (first, second):
        inspect_conversation(conversation)
    order = make_order(chen, paid=True)  # 陈静 ordered after her consultation
    Order.objects.filter(pk=order.pk).update(created_at=today_at(10), paid_at=today_at(10))

    m = month_measures([wuqian.pk, zhengli.pk], timezone.localdate())
    service = m[wuqian.pk].service
    assert (service["consultations"], service["converted"]) == (2, 1)
    assert service["conversion_rate"] == Decimal("0.5")
    assert service["first_response_avg_seconds"] == 40  # (10 + 70) / 2
    assert service["first_response_slow"] == 1
    assert service["qi_count"] == 2 and service["qi_average"] < 100
    assert m[zhengli.pk].service == {}  # no conversations this month

    boss = make_user(roles=["cs_supervisor"])
    client = client_for(boss)
    with django_assert_max_num_queries(25):
        html = client.get(f"/staff/scores/metrics/?month={timezone.localdate():%Y-%m}"
                          ).content.decode()
    row = html.split('data-person="wuqian"')[1].split("</tr>")[0]
    assert "50.0%" in row and "40 秒" in row
    person = client.get(f"/staff/scores/{timezone.localdate():%Y-%m}/{wuqian.pk}/").content
    assert "转化率 <strong>50.0%</strong>" in person.decode()

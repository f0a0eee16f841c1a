"""Fixtures for the customer-service tests."""

import itertools
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from shopops.core import registry

# crm / quality ---------------------------------------------------------------------------
#   wuqian, zhenglil   two agents (售前 吴倩, 售后 郑丽); zhoumin  the CS supervisor (周敏)
#   talk(agent, lines, **conversation)  a closed conversation from [(who, seconds, text)],
#                      who "客户" / "客服" / "系统", seconds from the start (default today 10:00)
#   make_customer(**fields)  a customer record (陈静 13800138000 by default)
#   set_setting(key, value)  override a setting for this test
#   make_order(customer=None, **kw)  a paid Tmall order of the silk dress (¥199), linked to
#                      `customer` when given (name/phone from the customer)
#   make_review(order, rating, body, **kw)  a review of the order's first line

_conv_numbers = itertools.count(1)
WHO = {"客户": "customer", "客服": "agent", "系统": "system"}


@pytest.fixture
def set_setting(db):
    from shopops.core.models import SettingValue

    def put(key, value):
        SettingValue.objects.update_or_create(key=key, defaults={"value": value})
        registry.clear_cache()

    return put


@pytest.fixture
def wuqian(make_user):
    return make_user(roles=["presale_cs"], username="wuqian", display_name="吴倩")


@pytest.fixture
def zhengli(make_user):
    return make_user(roles=["aftersale_cs"], username="zhengli", display_name="郑丽")


@pytest.fixture
def zhoumin(make_user):
    return make_user(roles=["cs_supervisor"], username="zhoumin", display_name="周敏")


def today_at(hour, minute=0, days_ago=0):
    day = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, datetime.min.time())) + timedelta(
        hours=hour, minutes=minute)


@pytest.fixture
def talk(db):
    from shopops.service.models import Conversation, Message

    def make(agent, lines, *, start=None, state="closed", **fields):
        start = start or today_at(10)
        conversation = Conversation.objects.create(
            number=f"HH{next(_conv_numbers):06d}", agent=agent, started_at=start, state=state,
            **fields)
        last = start
        for who, seconds, text in lines:
            last = start + timedelta(seconds=seconds)
            Message.objects.create(conversation=conversation, sender=WHO[who], body=text, at=last,
                                   agent=agent if who == "客服" else None)
        if state == "closed":
            Conversation.objects.filter(pk=conversation.pk).update(
                closed_at=last + timedelta(seconds=30), last_message_at=last)
            conversation.refresh_from_db()
        return conversation

    return make


@pytest.fixture
def make_customer(db):
    from shopops.service.models import Customer

    numbers = itertools.count(1)

    def make(**fields):
        fields.setdefault("name", "陈静")
        fields.setdefault("phone", "13800138000")
        fields.setdefault("number", f"KH-T{next(numbers):04d}")
        tags = fields.pop("tags", [])
        customer = Customer.objects.create(**fields)
        customer.tags.set(tags)
        return customer

    return make
@pytest.fixture
def shop(db):
    """A warehouse with 100 silk dresses and the Tmall channel."""
    from shopops.inventory import ledger
    from tests.factories import channel, make_sku, make_warehouse

    warehouse = make_warehouse(code="hz-main", name="杭州主仓")
    dress = make_sku(code="P-DRESS", title="真丝印花连衣裙", skus=[{"颜色": "藏青"}],
                     price_fen=19900)
    ledger.receive(actor=None, sku=dress, warehouse=warehouse, quantity=100,
                   reference="test:setup")
    return {"warehouse": warehouse, "dress": dress, "tmall": channel("tmall")}


@pytest.fixture
def make_order(shop):
    from shopops.orders.actions import create_order
    from shopops.orders.models import Order

    def make(customer=None, *, quantity=1, **kw):
        values = {"customer_name": customer.name if customer else "陈静",
                  "customer_phone": customer.phone if customer else "13800138000",
                  "province": "浙江省", "city": "杭州市", "district": "西湖区",
                  "address_detail": "文三路 90 号 3 幢 501", "paid": True}
        values.update(kw)
        order = create_order(actor=None, channel=shop["tmall"], warehouse=shop["warehouse"],
                             lines=[{"sku": shop["dress"], "quantity": quantity}], **values)
        if customer is not None:
            Order.objects.filter(pk=order.pk).update(customer=customer)
            order.refresh_from_db()
        return order

    return make


@pytest.fixture
def make_review(db):
    from shopops.service.models import Review

    def make(order, rating, body, **kw):
        line = order.lines.select_related("sku").first()
        kw.setdefault("is_bad", rating <= 2)
        return Review.objects.create(order=order, line=line, product=line.sku.product,
                                     sku=line.sku, customer=order.customer, rating=rating,
                                     body=body, **kw)

    return make
# end crm / quality -----------------------------------------------------------------------

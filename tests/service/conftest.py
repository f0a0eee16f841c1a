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
# end crm / quality -----------------------------------------------------------------------

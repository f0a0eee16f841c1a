"""Fixtures for the customer-service tests."""

import itertools
import secrets
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from shopops.core import registry

# --- chat (CS-1, CS-2, CS-8): live chat, console, handover, logged/imported conversations ---

_chat_n = itertools.count(1)

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
    """set_setting(key, value): an administrator's value for a rule — typed as on the
    settings page ("00:00") or as the value itself (60, ["您好"])."""
    from shopops.core.models import SettingValue

    def set_(key, value):
        definition = registry.REGISTRY[key]
        if isinstance(value, str):
            value = definition.parse(value)
        SettingValue.objects.update_or_create(
            key=key, defaults={"value": definition.to_json(value)})
        registry.clear_cache()

    return set_


@pytest.fixture
def chat_open(set_setting):
    """The chat open around the clock, so tests do not depend on the hour they run at."""
    set_setting("service.chat_opens", "00:00")
    set_setting("service.chat_closes", "00:00")


@pytest.fixture
def chat_closed(set_setting):
    """Off service hours whatever the time: open one minute a day, a minute from now."""
    later = timezone.localtime() + timedelta(hours=3)
    set_setting("service.chat_opens", later.strftime("%H:%M"))
    set_setting("service.chat_closes", (later + timedelta(minutes=1)).strftime("%H:%M"))


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


@pytest.fixture
def chat_customer(db):
    """chat_customer(name="林小美", phone=None) → a customer with a phone of their own."""
    from shopops.service.models import Customer

    def make(name="林小美", phone=None, nick="", **fields):
        n = next(_chat_n)
        return Customer.objects.create(number=f"KH-T{n:05d}", name=name,
                                       phone=phone if phone is not None else f"1380013{n:04d}",
                                       nick=nick, **fields)

    return make


@pytest.fixture
def visitor():
    """visitor(name="") → an anonymous shop visitor acting in the chat."""
    from shopops.service.actions.chat import VisitorActor

    def make(name=""):
        return VisitorActor(key=secrets.token_urlsafe(24), name=name)

    return make


@pytest.fixture
def shop_client(db):
    """shop_client(customer=None) → a browser-like client of the shop; signed in as the
    customer when one is given (their shop account is made as needed)."""
    from django.test import Client

    def make(customer=None):
        client = Client()
        if customer is not None:
            sign_in(client, customer)
        return client

    return make


def sign_in(client, customer):
    from django.contrib.auth.hashers import make_password

    from shopops.storefront.auth import SESSION_KEY
    from shopops.storefront.models import ShopAccount

    account = ShopAccount.objects.filter(customer=customer).first() or ShopAccount.objects.create(
        customer=customer, login=customer.phone, password=make_password("Shop@2026"))
    session = client.session
    session[SESSION_KEY] = account.pk
    session.save()
    return account


@pytest.fixture
def waiting_chat(chat_open, visitor, chat_customer):
    """waiting_chat(customer=None, body=…) → a shop conversation waiting in the queue."""
    from shopops.core.actors import customer_actor
    from shopops.service.actions import chat

    def make(customer=None, body="你好，这款连衣裙有S码吗？"):
        actor = customer_actor(customer) if customer is not None else visitor()
        return chat.start_conversation(actor=actor, body=body)

    return make


@pytest.fixture
def team(make_user):
    """The demo's customer-service team: 吴倩 (售前), 郑丽 (售后), 周敏 (客服主管)."""
    return {"wu": make_user(roles=["presale_cs"], username="wuqian", display_name="吴倩"),
            "zheng": make_user(roles=["aftersale_cs"], username="zhengli", display_name="郑丽"),
            "zhou": make_user(roles=["cs_supervisor"], username="zhoumin", display_name="周敏")}


@pytest.fixture
def active_chat(waiting_chat, team):
    """active_chat(agent=None, customer=None) → a conversation an agent has taken."""
    from shopops.service.actions import chat

    def make(agent=None, customer=None, body="你好，这款连衣裙有S码吗？"):
        conversation = waiting_chat(customer=customer, body=body)
        return chat.take_conversation(actor=agent or team["wu"],
                                      conversation=conversation)

    return make

# --- end chat ---


@pytest.fixture
def customer_order(db, make_user):
    """customer_order(customer, state="paid") → an order of the customer in that state."""
    from shopops.inventory import ledger
    from shopops.orders.actions import create_order
    from shopops.orders.models import Order
    from tests.factories import channel, make_sku, make_warehouse

    clerk = make_user(roles=["presale_cs"])
    warehouse = make_warehouse()
    sku = make_sku(title="真丝印花连衣裙", skus=[{"颜色": "藏青", "尺码": "S"}])
    ledger.receive(actor=None, sku=sku, warehouse=warehouse, quantity=50, reference="test")

    def make(customer, state="paid"):
        order = create_order(actor=clerk, channel=channel("b2c"), warehouse=warehouse,
                             lines=[{"sku": sku, "quantity": 1}], customer_name=customer.name,
                             customer_phone=customer.phone, province="浙江省", city="杭州市",
                             district="西湖区", address_detail="文三路 90 号", paid=True)
        Order.objects.filter(pk=order.pk).update(customer=customer, state=state)
        order.refresh_from_db()
        return order

    return make

"""Fixtures for the customer-service tests."""

import itertools
import secrets

import pytest

# --- chat (CS-1, CS-2, CS-8): live chat, console, handover, logged/imported conversations ---

_chat_n = itertools.count(1)


@pytest.fixture
def set_setting(db):
    """set_setting("service.chat_opens", "00:00"): an administrator's value for a rule."""
    from shopops.core import registry
    from shopops.core.models import SettingValue

    def set_(key, raw):
        definition = registry.REGISTRY[key]
        SettingValue.objects.update_or_create(
            key=key, defaults={"value": definition.to_json(definition.parse(raw))})
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
    from datetime import timedelta

    from django.utils import timezone

    later = timezone.localtime() + timedelta(hours=3)
    set_setting("service.chat_opens", later.strftime("%H:%M"))
    set_setting("service.chat_closes", (later + timedelta(minutes=1)).strftime("%H:%M"))


@pytest.fixture
def make_customer(db):
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
def waiting_chat(chat_open, visitor, make_customer):
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

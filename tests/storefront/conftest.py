"""Fixtures for the shop.

    shop               the B2C channel (官网商城), the warehouse shop orders ship from
                       (杭州主仓), and the category tree 女装 › 连衣裙 / 衬衫
    listed(title, skus=[{"颜色": "碎花", "尺码": "M"}, …], price_fen, stock, channel_price)
                       an active product listed on the shop's channel, stocked in 杭州主仓;
                       returns the product (its SKUs: product.skus.order_by("pk"))
    dress              夏季碎花连衣裙, 碎花/藏青 × S/M, ¥259, 10 each, shop price ¥239
    make_customer(name, mobile) → a registered customer (ShopAccount), password PASSWORD
    alice              顾客 林小雨 13800001111 with a default address in 杭州
    shop_client(account) → a test client signed in to the shop as that account
"""

import itertools
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import timezone

from shopops.catalog.models import ChannelPrice, Listing
from shopops.catalog.search import refresh_search_text
from shopops.inventory import ledger
from shopops.storefront.actions import accounts
from tests.catalog.conftest import set_setting  # noqa: F401  (the same fixture here)
from tests.factories import channel, make_category, make_product, make_warehouse

PASSWORD = "Shop2026pass"
_n = itertools.count(1)
ADDRESS = {"recipient": "林小雨", "phone": "13800001111", "province": "浙江省", "city": "杭州市",
           "district": "西湖区", "detail": "文三路 90 号 3 幢 501 室"}


@pytest.fixture
def shop(db):
    women = make_category("女装")
    return SimpleNamespace(channel=channel("b2c"), warehouse=make_warehouse(code="hz-main",
                                                                            name="杭州主仓"),
                           women=women, dresses=make_category("连衣裙", parent=women),
                           shirts=make_category("衬衫", parent=women))


@pytest.fixture
def listed(shop):
    def make(title, *, skus=({"颜色": "米白", "尺码": "M"},), price_fen=19900, stock=10,
             channel_price=None, category=None, on=None, status="active"):
        product = make_product(title, skus=skus, price_fen=price_fen,
                               category=category or shop.dresses, status=status)
        refresh_search_text(product)
        Listing.objects.create(product=product, channel=on or shop.channel, state="listed",
                               listed_at=timezone.now())
        for sku in product.skus.all():
            if stock:
                ledger.receive(actor=None, sku=sku, warehouse=shop.warehouse, quantity=stock,
                               reference="test:setup")
            if channel_price is not None:
                ChannelPrice.objects.create(sku=sku, channel=on or shop.channel,
                                            price_fen=channel_price)
        return product

    return make


@pytest.fixture
def dress(listed):
    return listed("夏季碎花连衣裙", skus=[{"颜色": c, "尺码": s} for c in ("碎花", "藏青")
                                    for s in ("S", "M")], price_fen=25900, channel_price=23900)


@pytest.fixture
def make_customer(db, shop):
    def make(name="林小雨", mobile=None, address=True):
        mobile = mobile or f"1390000{next(_n):04d}"
        account = accounts.register_customer(mobile=mobile, name=name, password=PASSWORD,
                                             channel=shop.channel)
        if address:
            accounts.add_address(actor=None, customer=account.customer,
                                 values={**ADDRESS, "recipient": name, "phone": mobile})
        return account

    return make


@pytest.fixture
def alice(make_customer):
    return make_customer("林小雨", "13800001111")


@pytest.fixture
def shop_client(db):
    def make(account=None):
        client = Client()
        if account is not None:
            response = client.post("/shop/login/", {"mobile": account.login,
                                                    "password": PASSWORD})
            assert response.status_code == 302, response.content.decode()[:500]
        return client

    return make


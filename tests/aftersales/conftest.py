"""Fixtures for the after-sales tests.

    hz, bin_a          杭州主仓 and its bin A-01-01
    dress, dress_l     真丝印花连衣裙 藏青 M (¥199) and its L variant, 60 each in hz;
                       the product's brand merchant is 杭州丝绸品牌商 (brand_merchant)
    people             .agent (售后客服 郑丽), .agent2 (售后客服 王琳), .supervisor (客服主管 周敏),
                       .receiver (售后员 何雪), .wh_boss (仓库主管 孙伟), .finance (徐静怡),
                       .boss (部门经理 王建国)
    customer, other    two shop customers (陈静, 李婷); as_customer(c) → their actor
    make_order(…)      a paid order for `customer` (2 × dress, ¥10 shipping, ¥20 discount)
    deliver(order, days_ago=1)
                       TEST SETUP ONLY: the order as if the line had shipped it and the
                       courier delivered it `days_ago` days ago (a direct UPDATE)
    photo(name, kb)    an uploaded JPEG (a real image), padded to about `kb` KB
    media_root         MEDIA_ROOT of this test (a temporary directory)
"""

import io
import itertools
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from shopops.core.actors import customer_actor
from shopops.inventory import ledger
from shopops.orders.actions import create_order
from shopops.orders.models import Order
from shopops.service.models import Customer
from tests.factories import (
    channel,
    make_brand,
    make_location,
    make_sku,
    make_supplier,
    make_warehouse,
)

_n = itertools.count(1)
ADDRESS = {"customer_name": "陈静", "customer_phone": "13800138000", "province": "浙江省",
           "city": "杭州市", "district": "西湖区", "address_detail": "文三路 90 号 3 幢 501"}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


def stored_files(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.fixture
def hz(db):
    return make_warehouse(code="hz-main", name="杭州主仓")


@pytest.fixture
def bin_a(hz):
    return make_location(hz, code="A-01-01", walk_order=1)


@pytest.fixture
def brand_merchant(db):
    return make_supplier(name="杭州丝绸品牌商")


@pytest.fixture
def dress(hz, bin_a, brand_merchant):
    brand = make_brand("丝语")
    brand.supplier = brand_merchant
    brand.save(update_fields=["supplier"])
    sku = make_sku(code="P-DRESS", title="真丝印花连衣裙", brand=brand,
                   skus=[{"颜色": "藏青", "尺码": "M"}, {"颜色": "藏青", "尺码": "L"}],
                   price_fen=19900)
    for each in sku.product.skus.all():
        ledger.receive(actor=None, sku=each, warehouse=hz, quantity=60, location=bin_a,
                       reference="test:setup")
    return sku


@pytest.fixture
def dress_l(dress):
    return dress.product.skus.exclude(pk=dress.pk).get()


@pytest.fixture
def people(make_user):
    def person(role, username, name):
        return make_user(roles=[role], username=username, display_name=name)

    return SimpleNamespace(
        agent=person("aftersale_cs", "zhengli", "郑丽"),
        agent2=person("aftersale_cs", "wanglin", "王琳"),
        supervisor=person("cs_supervisor", "zhoumin", "周敏"),
        receiver=person("returns_receiver", "hexue", "何雪"),
        wh_boss=person("warehouse_supervisor", "sunwei", "孙伟"),
        finance=person("finance", "xujy", "徐静怡"),
        boss=person("manager", "wangjg", "王建国"),
    )


def _customer(name, phone):
    return Customer.objects.create(number=f"KH{next(_n):06d}", name=name, phone=phone)


@pytest.fixture
def customer(db):
    return _customer("陈静", "13800138000")


@pytest.fixture
def other(db):
    return _customer("李婷", "13912345678")


@pytest.fixture
def as_customer():
    return customer_actor


@pytest.fixture
def b2c(db):
    return channel("b2c")


@pytest.fixture
def tmall(db):
    return channel("tmall")


@pytest.fixture
def make_order(hz, dress, tmall, customer):
    def make(*, lines=None, who=None, chan=None, paid=True, shipping_fen=1000, discount_fen=2000,
             **kw):
        order = create_order(actor=None, channel=chan or tmall, paid=paid,
                             lines=lines or [{"sku": dress, "quantity": 2}],
                             shipping_fen=shipping_fen, discount_fen=discount_fen,
                             **{**ADDRESS, **kw})
        Order.objects.filter(pk=order.pk).update(customer=who or customer)
        order.refresh_from_db()
        return order

    return make


@pytest.fixture
def deliver():
    def force(order, days_ago=1, courier="中通快递"):
        at = timezone.now() - timedelta(days=days_ago)
        Order.objects.filter(pk=order.pk).update(
            state=Order.State.DELIVERED, shipped_at=at - timedelta(days=1), delivered_at=at,
            courier=courier, tracking_no=f"ZT{next(_n):010d}")
        order.refresh_from_db()
        return order

    return force


def jpeg(kb=20, name="photo.jpg", size=(64, 48), colour=(180, 40, 60)):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG", quality=90)
    data = buffer.getvalue()
    if len(data) < kb * 1024:  # a JPEG comment segment pads it without breaking it
        data = data[:2] + _comment_segments(kb * 1024 - len(data)) + data[2:]
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def _comment_segments(size):
    out = b""
    while size > 4:
        chunk = min(size - 4, 65000)
        out += b"\xff\xfe" + (chunk + 2).to_bytes(2, "big") + b"x" * chunk
        size -= chunk + 4
    return out


@pytest.fixture
def photo():
    return jpeg


SHOP_PASSWORD = "Shop2026pass"


@pytest.fixture
def shop_account(db, b2c):
    """A registered shop customer (陈静, 13800138000)."""
    from shopops.storefront.actions.accounts import register_customer

    return register_customer(mobile="13800138000", name="陈静", password=SHOP_PASSWORD,
                             channel=b2c)


@pytest.fixture
def shop_client(db):
    """shop_client(account) → a test client signed in to the shop as that account."""
    from django.test import Client

    from shopops.storefront.auth import SESSION_KEY

    def make(account):
        client = Client()
        session = client.session
        session[SESSION_KEY] = account.pk
        session.save()
        return client

    return make


@pytest.fixture
def paid_in_shop(make_order, b2c):
    """paid_in_shop(customer) → a B2C order of theirs paid through the sandbox provider."""
    from shopops.storefront.payments import get_provider, receive_notification, start_payment

    def make(customer, **kw):
        order = make_order(chan=b2c, paid=False, who=customer, **kw)
        payment, _url = start_payment(customer=customer, order=order, provider_code="sandbox")
        receive_notification(provider_code="sandbox",
                             data=get_provider("sandbox").notification(payment, "success"))
        order.refresh_from_db()
        return order

    return make

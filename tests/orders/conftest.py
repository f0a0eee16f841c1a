"""Fixtures for the order tests.

    hz                 杭州主仓 (the default warehouse)
    dress, shirt       two SKUs (P-DRESS-01 藏青 ¥199, P-SHIRT-01 白 ¥129) with 10 in hz
    tmall, b2c         channels
    cs, boss           a pre-sales CS clerk (create/amend) and a manager (also cancel)
    new_order(**kw)    create_order with sensible defaults (1 × dress, paid)
"""

import pytest

from shopops.inventory import ledger
from shopops.orders.actions import create_order
from tests.factories import channel, make_sku, make_warehouse


@pytest.fixture
def hz(db):
    return make_warehouse(code="hz-main", name="杭州主仓")


@pytest.fixture
def dress(hz):
    sku = make_sku(code="P-DRESS", title="真丝印花连衣裙", skus=[{"颜色": "藏青"}], price_fen=19900)
    ledger.receive(actor=None, sku=sku, warehouse=hz, quantity=10, reference="test:setup")
    return sku


@pytest.fixture
def shirt(hz):
    sku = make_sku(code="P-SHIRT", title="棉麻衬衫", skus=[{"颜色": "白"}], price_fen=12900)
    ledger.receive(actor=None, sku=sku, warehouse=hz, quantity=10, reference="test:setup")
    return sku


@pytest.fixture
def tmall(db):
    return channel("tmall")


@pytest.fixture
def b2c(db):
    return channel("b2c")


@pytest.fixture
def cs(make_user):
    return make_user(roles=["presale_cs"], username="liuyang", display_name="刘洋")


@pytest.fixture
def boss(make_user):
    return make_user(roles=["manager"], username="wangjg", display_name="王建国")


CUSTOMER = {"customer_name": "陈静", "customer_phone": "13800138000", "province": "浙江省",
            "city": "杭州市", "district": "西湖区", "address_detail": "文三路 90 号 3 幢 501"}


@pytest.fixture
def new_order(hz, dress, tmall, cs):
    def make(**kw):
        kw.setdefault("lines", [{"sku": dress, "quantity": 1}])
        kw.setdefault("paid", True)
        args = {"actor": cs, "channel": tmall, **CUSTOMER, **kw}
        return create_order(**args)

    return make

"""Fixtures for the warehouse-line tests.

    hz                 杭州主仓 with two locations A-01-01 (walk 1) and B-02-03 (walk 2)
    dress, shirt       SKUs (¥199 真丝印花连衣裙 藏青 400 g; ¥129 棉麻衬衫 白 250 g), 20 each,
                       on bins A-01-01 (dress) and B-02-03 (shirt)
    tmall              the Tmall channel
    people             one user per post: people.cs, .reviewer, .printer, .picker, .verifier,
                       .packer, .supervisor (仓库主管), .boss (部门经理), .finance
    paid_order(**kw)   create_order with sensible defaults (1 × dress, paid, to 杭州)
    put_in_state(order, state, **fields)
                       TEST SETUP ONLY: force an order into a state with a direct UPDATE, for
                       tests of one step that need an order "as if" the earlier steps ran.
"""

from types import SimpleNamespace

import pytest

from shopops.inventory import ledger
from shopops.orders.actions import create_order
from shopops.orders.models import Order
from tests.factories import channel, make_location, make_sku, make_warehouse

CUSTOMER = {"customer_name": "陈静", "customer_phone": "13800138000", "province": "浙江省",
            "city": "杭州市", "district": "西湖区", "address_detail": "文三路 90 号 3 幢 501"}


@pytest.fixture
def hz(db):
    return make_warehouse(code="hz-main", name="杭州主仓")


@pytest.fixture
def bins(hz):
    return SimpleNamespace(a=make_location(hz, code="A-01-01", walk_order=1),
                           b=make_location(hz, code="B-02-03", walk_order=2))


def _stocked(code, title, colour, price_fen, weight_g, hz, location):
    sku = make_sku(code=code, title=title, skus=[{"颜色": colour}], price_fen=price_fen)
    sku.weight_g = weight_g
    sku.save(update_fields=["weight_g"])
    ledger.receive(actor=None, sku=sku, warehouse=hz, quantity=20, location=location,
                   reference="test:setup")
    return sku


@pytest.fixture
def dress(hz, bins):
    return _stocked("P-DRESS", "真丝印花连衣裙", "藏青", 19900, 400, hz, bins.a)


@pytest.fixture
def shirt(hz, bins):
    return _stocked("P-SHIRT", "棉麻衬衫", "白", 12900, 250, hz, bins.b)


@pytest.fixture
def tmall(db):
    return channel("tmall")


@pytest.fixture
def people(make_user):
    def person(role, username, name):
        return make_user(roles=[role], username=username, display_name=name)

    return SimpleNamespace(
        cs=person("presale_cs", "liuyang", "刘洋"),
        reviewer=person("reviewer", "zhaomin", "赵敏"),
        printer=person("printer", "sunli", "孙丽"),
        picker=person("picker", "zhouqiang", "周强"),
        picker2=person("picker", "wuhao", "吴昊"),
        verifier=person("verifier", "zhengjie", "郑洁"),
        packer=person("packer", "fengtao", "冯涛"),
        supervisor=person("warehouse_supervisor", "chenwei", "陈伟"),
        boss=person("manager", "wangjg", "王建国"),
        finance=person("finance", "linna", "林娜"),
    )


@pytest.fixture
def paid_order(hz, dress, tmall, people):
    def make(**kw):
        kw.setdefault("lines", [{"sku": dress, "quantity": 1}])
        kw.setdefault("paid", True)
        args = {"actor": people.cs, "channel": tmall, **CUSTOMER, **kw}
        return create_order(**args)

    return make


@pytest.fixture
def put_in_state():
    def force(order, state, **fields):
        Order.objects.filter(pk=order.pk).update(state=state, **fields)
        order.refresh_from_db()
        return order

    return force

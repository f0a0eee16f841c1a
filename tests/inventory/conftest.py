"""Fixtures for the inventory tests (documents, stocktakes, alerts, pages, warehouses).

Nothing here is autouse: the ledger's own tests in this folder keep their fixtures.

    hz, store            杭州主仓 (with locations A-01-01…A-01-03) and 上海南京路分店 (no locations)
    bins                 hz's locations by code
    dress                one SKU (P-DRESS-01 藏青)
    keeper, picker       孙伟 (warehouse supervisor) and 赵强 (picker): the two sides of a handover
    put_stock(sku, warehouse, quantity, location=None)   stock in through the ledger
"""

import pytest

from shopops.inventory import ledger
from tests.factories import make_location, make_sku, make_supplier, make_warehouse


@pytest.fixture
def hz(db):
    warehouse = make_warehouse(code="hz-main", name="杭州主仓")
    for n, code in enumerate(("A-01-01", "A-01-02", "A-01-03"), start=1):
        make_location(warehouse, code=code, walk_order=n)
    return warehouse


@pytest.fixture
def bins(hz):
    return {loc.code: loc for loc in hz.locations.all()}


@pytest.fixture
def store(db):
    return make_warehouse(code="sh-njl", name="上海南京路分店", kind="store", sellable=False)


@pytest.fixture
def dress(db):
    # One attribute: jsonb (PostgreSQL) does not keep the order of several.
    return make_sku(code="P-DRESS", title="真丝印花连衣裙", skus=[{"颜色": "藏青"}])


@pytest.fixture
def shirt(db):
    return make_sku(code="P-SHIRT", title="棉麻衬衫", skus=[{"颜色": "白"}])


@pytest.fixture
def supplier(db):
    return make_supplier(name="杭州丝绸品牌商")


@pytest.fixture
def keeper(make_user):
    return make_user(roles=["warehouse_supervisor"], username="sunwei", display_name="孙伟")


@pytest.fixture
def picker(make_user):
    return make_user(roles=["picker"], username="zhaoqiang", display_name="赵强")


@pytest.fixture
def boss(make_user):
    return make_user(roles=["manager"], username="wangjg", display_name="王建国")


@pytest.fixture
def put_stock(db):
    def put(sku, warehouse, quantity, location=None):
        return ledger.receive(actor=None, sku=sku, warehouse=warehouse, quantity=quantity,
                              location=location, reference="test:setup")

    return put

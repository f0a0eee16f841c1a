"""INV-1 / INV-4: warehouses and stores, locations (库位) one by one or as a range, every
change an event, only for those who manage warehouses."""

import pytest

from shopops.core.errors import ConflictError, PermissionDeniedError, UserError
from shopops.core.models import Event
from shopops.inventory.actions.warehouses import (
    bulk_create_locations,
    create_location,
    create_warehouse,
    expand_range,
    update_location,
    update_warehouse,
)
from shopops.inventory.models import Location, Warehouse


def test_inv1_create_a_warehouse_and_a_store(keeper):
    main = create_warehouse(actor=keeper, code="HZ-Main", name="杭州主仓",
                            address="杭州市余杭区仓前街道 88 号")
    shop = create_warehouse(actor=keeper, code="sh-njl", name="上海南京路分店", kind="store",
                            sellable=False)
    assert (main.code, main.kind, main.sellable) == ("hz-main", "warehouse", True)
    assert (shop.kind, shop.sellable) == ("store", False)
    event = Event.objects.for_object(shop).get(verb="warehouse.created")
    assert event.summary == "新建门店：上海南京路分店（sh-njl）"
    assert event.actor == keeper


def test_inv1_warehouse_codes_are_unique_and_well_formed(keeper):
    create_warehouse(actor=keeper, code="hz-main", name="杭州主仓")
    with pytest.raises(ConflictError) as exc:
        create_warehouse(actor=keeper, code="hz-main", name="另一个")
    assert exc.value.message == "仓库编码已存在：hz-main"
    with pytest.raises(UserError) as exc:
        create_warehouse(actor=keeper, code="杭州", name="杭州")
    assert exc.value.message == "仓库编码只能使用小写字母、数字、- 和 _（最多 20 位）：杭州"
    assert Warehouse.objects.count() == 1


def test_inv1_only_warehouse_managers_change_warehouses(picker, hz):
    with pytest.raises(PermissionDeniedError) as exc:
        create_warehouse(actor=picker, code="x", name="x")
    assert exc.value.message == "没有权限：维护仓库与库位 / manage warehouses and locations"
    with pytest.raises(PermissionDeniedError):
        create_location(actor=picker, warehouse=hz, code="Z-01-01")


def test_inv1_editing_a_warehouse_records_before_and_after(keeper, hz):
    update_warehouse(actor=keeper, warehouse=hz, name="杭州主仓（余杭）", kind="warehouse",
                     sellable=False)
    event = Event.objects.for_object(hz).get(verb="warehouse.updated")
    assert event.changes == {"name": ["杭州主仓", "杭州主仓（余杭）"], "sellable": [True, False]}
    hz.refresh_from_db()
    assert (hz.name, hz.sellable) == ("杭州主仓（余杭）", False)


def test_inv1_single_location_gets_the_next_walk_order(keeper, hz):
    location = create_location(actor=keeper, warehouse=hz, code="b-01-01")
    assert (location.code, location.walk_order) == ("B-01-01", 4)  # after A-01-01…A-01-03
    with pytest.raises(ConflictError) as exc:
        create_location(actor=keeper, warehouse=hz, code="B-01-01")
    assert exc.value.message == "杭州主仓 已有库位 B-01-01"
    with pytest.raises(UserError) as exc:
        create_location(actor=keeper, warehouse=hz, code="B 01")
    assert exc.value.message == "库位编码格式不正确：B 01（例如 A-01-03，只用字母、数字和 -）"


def test_inv1_range_expands_every_combination_in_walk_order():
    codes = expand_range("A-01-01", "A-03-10")
    assert len(codes) == 30
    assert codes[:3] == ["A-01-01", "A-01-02", "A-01-03"]
    assert codes[9:11] == ["A-01-10", "A-02-01"]
    assert codes[-1] == "A-03-10"
    assert expand_range("A-01", "C-02") == ["A-01", "A-02", "B-01", "B-02", "C-01", "C-02"]


def test_inv1_bad_ranges_are_explained():
    with pytest.raises(UserError) as exc:
        expand_range("A-01-01", "A-02")
    assert exc.value.message == "起止库位的段数不同：A-01-01 … A-02"
    with pytest.raises(UserError) as exc:
        expand_range("A-05", "A-01")
    assert exc.value.message == "起始库位大于结束库位：A-05 … A-01"
    with pytest.raises(UserError) as exc:
        expand_range("A-001-001", "A-100-100")
    assert exc.value.message == "一次最多生成 2000 个库位（本次 10000 个）。"


def test_inv1_bulk_create_skips_existing_locations(keeper, hz):
    result = bulk_create_locations(actor=keeper, warehouse=hz, first="A-01-01", last="A-03-10")
    assert result == {"created": 27, "skipped": 3, "first": "A-01-01", "last": "A-03-10"}
    codes = list(Location.objects.filter(warehouse=hz).order_by("walk_order")
                 .values_list("code", flat=True))
    assert len(codes) == 30 and codes[3] == "A-01-04" and codes[-1] == "A-03-10"
    event = Event.objects.for_object(hz).get(verb="location.bulk_created")
    assert event.summary == "杭州主仓 批量新建库位 A-01-01 … A-03-10：新建 27 个，已存在 3 个"
    again = bulk_create_locations(actor=keeper, warehouse=hz, first="A-01-01", last="A-03-10")
    assert again["created"] == 0


def test_inv1_a_location_holding_stock_cannot_be_disabled(keeper, hz, bins, dress, put_stock):
    put_stock(dress, hz, 2, bins["A-01-01"])
    with pytest.raises(ConflictError) as exc:
        update_location(actor=keeper, location=bins["A-01-01"], walk_order=1, active=False)
    assert exc.value.message == "库位 A-01-01 还有库存，不能停用。"
    update_location(actor=keeper, location=bins["A-01-02"], walk_order=20, active=False)
    location = Location.objects.get(pk=bins["A-01-02"].pk)
    assert (location.walk_order, location.active) == (20, False)
    assert Event.objects.for_object(location).get(verb="location.updated").changes == {
        "active": [True, False], "walk_order": [2, 20]}


# ---- pages ----------------------------------------------------------------------------------

def test_inv1_warehouse_pages_create_and_add_a_range(keeper, client_for, db):
    client = client_for(keeper)
    response = client.post("/inventory/warehouses/new/", {
        "code": "hz-main", "name": "杭州主仓", "kind": "warehouse", "sellable": "on",
        "active": "on"}, follow=True)
    warehouse = Warehouse.objects.get(code="hz-main")
    assert [str(m) for m in response.context["messages"]] == ["已新建 杭州主仓。"]
    response = client.post(f"/inventory/warehouses/{warehouse.pk}/locations/range/",
                           {"first": "A-01-01", "last": "A-02-20"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "已新建 40 个库位（A-01-01 … A-02-20），已存在而跳过 0 个。"]
    assert warehouse.locations.count() == 40
    html = client.get("/inventory/warehouses/").content.decode()
    assert "杭州主仓" in html and "<td>40</td>" in html and "新建仓库/门店" in html
    html = client.get(f"/inventory/warehouses/{warehouse.pk}/").content.decode()
    assert "批量新建库位" in html and "修改仓库" in html


def test_inv1_viewers_see_warehouses_but_cannot_change_them(hz, make_user, client_for):
    viewer = make_user(roles=["packer"])
    client = client_for(viewer)
    html = client.get(f"/inventory/warehouses/{hz.pk}/").content.decode()
    assert "A-01-01" in html and "批量新建库位" not in html
    assert client.get("/inventory/warehouses/new/").status_code == 403
    assert client.post(f"/inventory/warehouses/{hz.pk}/locations/new/",
                       {"code": "Z-01"}).status_code == 403
    assert not Location.objects.filter(code="Z-01").exists()

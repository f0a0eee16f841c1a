"""Reference data (CAT-1, CAT-8): category tree with paths, brands, suppliers and brand
merchants, channels — each change recorded; the reference page."""

import pytest
from django.urls import reverse

from shopops.catalog.actions import reference as actions
from shopops.catalog.models import Brand, Category, Channel, Product
from shopops.core.errors import ConflictError, PermissionDeniedError, UserError
from shopops.core.models import Event
from shopops.purchasing.models import Supplier
from tests.factories import make_product

PAGE = reverse("catalog:reference")


@pytest.fixture
def manager(make_user):
    return make_user(roles=["manager"], display_name="王建国")


def test_cat1_category_tree_paths_and_moves(manager):
    women = actions.create_category(actor=manager, name="女装")
    dresses = actions.create_category(actor=manager, name="连衣裙", parent=women)
    maxi = actions.create_category(actor=manager, name="长裙", parent=dresses)
    home = actions.create_category(actor=manager, name="家居")
    assert (women.path, dresses.path, maxi.path) == (
        f"/{women.pk}/", f"/{women.pk}/{dresses.pk}/", f"/{women.pk}/{dresses.pk}/{maxi.pk}/")
    product = make_product(title="真丝长裙", category=maxi)

    assert actions.move_category(actor=manager, category=dresses, parent=home) is True
    dresses.refresh_from_db()
    maxi.refresh_from_db()
    assert dresses.parent == home
    assert (dresses.path, maxi.path) == (f"/{home.pk}/{dresses.pk}/",
                                         f"/{home.pk}/{dresses.pk}/{maxi.pk}/")
    assert list(Product.objects.filter(category__path__startswith=home.path)) == [product]
    text = Product.objects.get(pk=product.pk).search_text
    assert "家居" in text and "女装" not in text
    event = Event.objects.get(verb="category.moved")
    assert event.changes == {"parent": ["女装 › 连衣裙", "家居 › 连衣裙"]}


def test_cat1_category_cannot_move_under_itself(manager):
    women = actions.create_category(actor=manager, name="女装")
    dresses = actions.create_category(actor=manager, name="连衣裙", parent=women)
    with pytest.raises(UserError) as exc:
        actions.move_category(actor=manager, category=women, parent=dresses)
    assert exc.value.code == "category_cycle"
    with pytest.raises(ConflictError, match="「女装」下已有类目「连衣裙」"):
        actions.create_category(actor=manager, name="连衣裙", parent=women)


def test_cat1_tree_orders_siblings_by_sort_order(manager):
    home = actions.create_category(actor=manager, name="家居")
    for name, order in (("抱枕", 30), ("床品四件套", 10), ("毛巾", 20)):
        actions.create_category(actor=manager, name=name, parent=home, sort_order=order)
    towel = Category.objects.get(name="毛巾")
    assert actions.sort_category(actor=manager, category=towel, sort_order=5) is True
    assert [(c.name, d) for c, d in actions.category_tree()] == [
        ("家居", 0), ("毛巾", 1), ("床品四件套", 1), ("抱枕", 1)]
    assert Event.objects.get(verb="category.sorted").changes == {"sort_order": [20, 5]}


def test_cat8_channels_brands_and_suppliers_with_events(manager):
    merchant = actions.create_supplier(actor=manager, code="B001", name="绍兴家纺有限公司",
                                       kind="brand", contact="钱经理", phone="0575-88886666")
    brand = actions.create_brand(actor=manager, name="织梦家纺", supplier=merchant)
    channel = actions.create_channel(actor=manager, code="branch-hz", name="杭州湖滨分店",
                                     kind="branch")
    assert (brand.supplier, channel.kind, merchant.get_kind_display()) == (
        merchant, "branch", "品牌商")
    diff = actions.update_channel(actor=manager, channel=channel, name="杭州湖滨银泰分店",
                                  active=False)
    assert diff == {"active": [True, False], "name": ["杭州湖滨分店", "杭州湖滨银泰分店"]}
    assert set(Event.objects.values_list("verb", flat=True)) == {
        "supplier.created", "brand.created", "channel.created", "channel.updated"}
    with pytest.raises(ConflictError, match="渠道编码 branch-hz 已被使用"):
        actions.create_channel(actor=manager, code="branch-hz", name="重复", kind="branch")
    with pytest.raises(UserError, match="渠道编码「天猫」无效"):
        actions.create_channel(actor=manager, code="天猫", name="天猫", kind="taobao")
    with pytest.raises(ConflictError, match="品牌「织梦家纺」已存在"):
        actions.create_brand(actor=manager, name="织梦家纺")
    assert Channel.objects.count() == 1 and Brand.objects.count() == 1


def test_cat8_reference_needs_the_capability(editor):
    with pytest.raises(PermissionDeniedError):
        actions.create_channel(actor=editor, code="jd", name="京东", kind="jd")


def test_cat8_reference_page_tabs_and_forms(client_for, manager):
    client = client_for(manager)
    client.post(reverse("catalog:category_add"), {"name": "女装", "sort_order": "10"})
    women = Category.objects.get(name="女装")
    client.post(reverse("catalog:category_add"), {"name": "衬衫", "parent": str(women.pk)})
    shirts = Category.objects.get(name="衬衫")
    client.post(reverse("catalog:category_change", args=[shirts.pk]),
                {"op": "rename", "name": "衬衫/雪纺衫"})
    html = client.get(PAGE).content.decode()
    assert "女装" in html and "衬衫/雪纺衫" in html

    client.post(reverse("catalog:reference_add", args=["channels"]),
                {"code": "tmall", "name": "天猫旗舰店", "kind": "taobao", "sort_order": "20",
                 "active": "on"})
    client.post(reverse("catalog:reference_add", args=["suppliers"]),
                {"code": "S001", "name": "杭州织造有限公司", "kind": "supplier", "active": "on"})
    response = client.post(reverse("catalog:reference_add", args=["channels"]),
                           {"code": "tmall", "name": "又一个", "kind": "taobao",
                            "sort_order": "1"}, follow=True)
    assert "渠道编码 tmall 已被使用" in response.content.decode()
    assert "天猫旗舰店" in client.get(PAGE + "?tab=channels").content.decode()
    assert "杭州织造有限公司" in client.get(PAGE + "?tab=suppliers").content.decode()

    supplier = Supplier.objects.get(code="S001")
    edit = reverse("catalog:reference_edit", args=["suppliers", supplier.pk])
    assert client.get(edit).status_code == 200
    client.post(edit, {"code": "S001", "name": "杭州织造有限公司", "kind": "consignment",
                       "contact": "孙", "active": "on"})
    assert Supplier.objects.get(pk=supplier.pk).kind == "consignment"
    assert Event.objects.filter(verb="supplier.updated").get().changes == {
        "contact": ["", "孙"], "kind": ["supplier", "consignment"]}


def test_cat8_reference_lists_have_bounded_queries(client_for, manager,
                                                   django_assert_max_num_queries):
    for i in range(30):
        supplier = Supplier.objects.create(code=f"S{i:03d}", name=f"供应商{i}")
        Brand.objects.create(name=f"品牌{i}", supplier=supplier)
        Channel.objects.create(code=f"c{i}", name=f"渠道{i}", kind="other")
        Category.objects.create(name=f"类目{i}", path="")
    client = client_for(manager)
    client.get(PAGE)
    for tab in ("categories", "brands", "suppliers", "channels"):
        with django_assert_max_num_queries(12):
            response = client.get(PAGE + f"?tab={tab}")
        assert response.status_code == 200

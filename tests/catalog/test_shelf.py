"""Shelf plan (CAT-6): sections of ordered products per page and period; what the shop shows
now (live_shelf) versus what is scheduled."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from shopops.catalog.actions import shelf as actions
from shopops.catalog.models import Listing, ShelfSlot
from shopops.catalog.queries import live_shelf
from shopops.core.errors import PermissionDeniedError, UserError
from shopops.core.models import Event
from tests.factories import channel, make_category, make_product

NOW = timezone.now()
DAY = timedelta(days=1)


@pytest.fixture
def planner(make_user):
    return make_user(roles=["planner"], display_name="张悦")


def titles(sections):
    return [(s.name, [p.title for p in s.products]) for s in sections]


def test_cat6_slots_keep_their_order_within_a_section(planner):
    a, b, c = (make_product(title=t) for t in ("连衣裙A", "衬衫B", "开衫C"))
    for product in (a, b):
        actions.add_slot(actor=planner, product=product, starts_at=NOW - DAY, ends_at=NOW + DAY)
    slot_c = actions.add_slot(actor=planner, product=c, starts_at=NOW - DAY, ends_at=NOW + DAY,
                              position=1)
    assert titles(live_shelf("home")) == [("主推", ["开衫C", "连衣裙A", "衬衫B"])]
    assert actions.move_slot(actor=planner, slot=slot_c, position=3) is True
    assert titles(live_shelf("home")) == [("主推", ["连衣裙A", "衬衫B", "开衫C"])]
    actions.remove_slot(actor=planner, slot=ShelfSlot.objects.get(product=a))
    assert list(ShelfSlot.objects.order_by("position").values_list("position", flat=True)) == [1, 2]
    assert list(Event.objects.order_by("id").values_list("verb", flat=True)) == [
        "shelf.slot_added", "shelf.slot_added", "shelf.slot_added", "shelf.slot_moved",
        "shelf.slot_removed"]


def test_cat6_live_shelf_shows_only_what_is_live_at_the_time(planner):
    live = make_product(title="当季主推")
    later = make_product(title="下周上新")
    ended = make_product(title="上周活动")
    draft = make_product(title="草稿商品", status="draft")
    actions.add_slot(actor=planner, product=live, starts_at=NOW - DAY, ends_at=NOW + DAY)
    actions.add_slot(actor=planner, product=later, starts_at=NOW + 7 * DAY, ends_at=NOW + 9 * DAY,
                     section="新品")
    actions.add_slot(actor=planner, product=ended, starts_at=NOW - 9 * DAY, ends_at=NOW - DAY)
    actions.add_slot(actor=planner, product=draft, starts_at=NOW - DAY, ends_at=NOW + DAY)

    assert titles(live_shelf("home", at=NOW)) == [("主推", ["当季主推"])]
    assert titles(live_shelf("home", at=NOW + 8 * DAY)) == [("新品", ["下周上新"])]
    # Only products listed in the shop's channel, when a channel is given.
    b2c = channel("b2c")
    assert live_shelf("home", at=NOW, channel=b2c) == []
    Listing.objects.create(product=live, channel=b2c, state="listed")
    assert titles(live_shelf("home", at=NOW, channel=b2c)) == [("主推", ["当季主推"])]


def test_cat6_category_pages_have_their_own_shelves(planner):
    dresses, shirts = make_category("连衣裙"), make_category("衬衫")
    dress, shirt = make_product(title="雪纺连衣裙"), make_product(title="条纹衬衫")
    actions.add_slot(actor=planner, product=dress, page="category", category=dresses,
                     starts_at=NOW - DAY, ends_at=NOW + DAY)
    actions.add_slot(actor=planner, product=shirt, page="category", category=shirts,
                     starts_at=NOW - DAY, ends_at=NOW + DAY)
    assert titles(live_shelf("category", dresses)) == [("主推", ["雪纺连衣裙"])]
    assert live_shelf("home") == []
    with pytest.raises(UserError, match="必须选择类目"):
        actions.add_slot(actor=planner, product=dress, page="category", starts_at=NOW,
                         ends_at=NOW + DAY)


def test_cat6_bad_windows_and_duplicates_are_refused(planner):
    product = make_product()
    with pytest.raises(UserError, match="结束时间必须晚于开始时间"):
        actions.add_slot(actor=planner, product=product, starts_at=NOW, ends_at=NOW)
    actions.add_slot(actor=planner, product=product, starts_at=NOW, ends_at=NOW + 2 * DAY)
    with pytest.raises(UserError, match="已有展示位"):
        actions.add_slot(actor=planner, product=product, starts_at=NOW + DAY, ends_at=NOW + 3 * DAY)
    with pytest.raises(UserError, match="已停产"):
        actions.add_slot(actor=planner, product=make_product(status="discontinued"),
                         starts_at=NOW, ends_at=NOW + DAY)
    assert ShelfSlot.objects.count() == 1


def test_cat6_planning_needs_the_capability(picker):
    with pytest.raises(PermissionDeniedError):
        actions.add_slot(actor=picker, product=make_product(), starts_at=NOW, ends_at=NOW + DAY)


def test_cat6_plan_page_adds_slots_and_shows_live_and_scheduled(client_for, planner):
    product = make_product(title="夏季碎花雪纺连衣裙", code="WB-D100")
    soon = make_product(title="秋季针织开衫")
    actions.add_slot(actor=planner, product=soon, starts_at=NOW + 2 * DAY, ends_at=NOW + 5 * DAY)
    client = client_for(planner)
    local = timezone.localtime(NOW)
    response = client.post(reverse("catalog:shelf_slot_add"), {
        "page": "home", "section": "主推", "product": "WB-D100",
        "starts_at": (local - DAY).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (local + DAY).strftime("%Y-%m-%dT%H:%M")}, follow=True)
    html = response.content.decode()
    assert "已安排「夏季碎花雪纺连衣裙」在「主推」第 2 位" in html
    assert "展示中" in html and "待开始" in html
    slot = ShelfSlot.objects.get(product=product)
    client.post(reverse("catalog:shelf_slot_change", args=[slot.pk]), {"op": "move",
                                                                       "position": "1"})
    assert titles(live_shelf("home")) == [("主推", ["夏季碎花雪纺连衣裙"])]
    assert ShelfSlot.objects.get(pk=slot.pk).position == 1
    bad = client.post(reverse("catalog:shelf_slot_add"), {
        "page": "home", "section": "主推", "product": "不存在", "starts_at": "x",
        "ends_at": "y"}, follow=True)
    assert "找不到商品「不存在」" in bad.content.decode()


def test_cat6_plan_page_queries_are_bounded(client_for, planner, django_assert_max_num_queries):
    for i in range(30):
        actions.add_slot(actor=planner, product=make_product(title=f"商品{i}"),
                         starts_at=NOW - DAY, ends_at=NOW + DAY, section=f"栏目{i % 3}")
    client = client_for(planner)
    client.get(reverse("catalog:shelf_plan"))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("catalog:shelf_plan"))
    assert response.content.decode().count('data-testid="shelf-section"') == 3

"""CAT-2 / CAT-3 / CAT-8: listing and delisting per channel through proposals; automatic
delisting when sellable stock reaches zero and relisting when it returns."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from shopops.catalog.actions import listing as actions
from shopops.catalog.models import Channel, Listing
from shopops.core.actions.approvals import approve_proposal, execute_proposal
from shopops.core.actions.settings import change_setting
from shopops.core.errors import ConflictError, PermissionDeniedError, UserError
from shopops.core.models import Event, Proposal
from shopops.inventory import ledger
from tests.factories import channel, make_product, make_warehouse

S = Proposal.State
L = Listing.State


@pytest.fixture
def shop(db):
    return {"product": make_product("真丝衬衫", code="CS2026"), "b2c": channel("b2c"),
            "tmall": channel("tmall"), "jd": channel("jd")}


def _channels(shop, *codes):
    return [shop[c] for c in codes or ("b2c", "tmall", "jd")]


def _list(shop, staff, *codes, proposer="product_manager"):
    proposal = actions.propose_listing(actor=staff[proposer], product=shop["product"],
                                       channels=_channels(shop, *codes), reason="新品上市")
    approve_proposal(actor=staff["manager"], proposal=proposal)
    execute_proposal(actor=staff["editor"], proposal=proposal)
    return proposal


def _states(product):
    return {row.channel.code: (row.state, row.delist_reason)
            for row in Listing.objects.filter(product=product).select_related("channel")}


@pytest.fixture
def stock(monkeypatch):
    """Sellable availability per product, as the ledger would report it."""
    levels = {}
    monkeypatch.setattr(actions, "sellable_available",
                        lambda ids: {pk: levels[pk] for pk in ids if pk in levels})
    return levels


# --- chain --------------------------------------------------------------------------------


def test_cat2_planner_and_product_manager_propose_listing_reviewer_and_editor_cannot(shop, staff):
    for role in ("planner", "product_manager"):
        proposal = actions.propose_listing(actor=staff[role], product=shop["product"],
                                           channels=[shop["b2c"]])
        assert proposal.state == S.PENDING
        proposal.delete()
    for role in ("reviewer", "editor", "designer"):
        with pytest.raises(PermissionDeniedError) as exc:
            actions.propose_listing(actor=staff[role], product=shop["product"],
                                    channels=[shop["b2c"]])
        assert exc.value.code == "not_a_proposer"


def test_cat3_editor_may_propose_delisting_reviewer_may_not(shop, staff):
    _list(shop, staff, "b2c")
    proposal = actions.propose_delisting(actor=staff["editor"], product=shop["product"],
                                         channels=[shop["b2c"]], reason="质检不合格，暂停销售")
    assert proposal.state == S.PENDING
    assert proposal.chain["executor_roles"] == ["editor"]
    with pytest.raises(PermissionDeniedError):
        actions.propose_delisting(actor=staff["reviewer"], product=shop["product"],
                                  channels=[shop["tmall"]], reason="x")


def test_cat2_apr2_nobody_approves_own_listing(shop, make_user):
    both = make_user(roles=["planner", "manager"])
    proposal = actions.propose_listing(actor=both, product=shop["product"], channels=[shop["jd"]])
    with pytest.raises(PermissionDeniedError) as exc:
        approve_proposal(actor=both, proposal=proposal)
    assert exc.value.code == "self_approval"


# --- listing ------------------------------------------------------------------------------


def test_cat2_cat8_listing_executed_by_editor_lists_each_channel(shop, staff):
    proposal = actions.propose_listing(actor=staff["planner"], product=shop["product"],
                                       channels=_channels(shop, "b2c", "tmall"))
    approve_proposal(actor=staff["manager"], proposal=proposal)
    assert _states(shop["product"]) == {}  # approved is not yet listed
    execute_proposal(actor=staff["editor"], proposal=proposal)
    assert _states(shop["product"]) == {"b2c": (L.LISTED, ""), "tmall": (L.LISTED, "")}
    assert all(row.listed_at for row in Listing.objects.all())
    event = Event.objects.get(verb="listing.listed")
    assert event.actor == staff["editor"]
    assert event.changes == {"官网商城": ["未上架", "已上架"], "天猫旗舰店": ["未上架", "已上架"]}
    proposal.refresh_from_db()
    assert proposal.result == {"上架渠道": "官网商城、天猫旗舰店"}


def test_cat2_listing_refused_when_already_listed_inactive_channel_draft_or_duplicate(
        shop, staff, make_user):
    _list(shop, staff, "b2c")
    pm = staff["product_manager"]
    with pytest.raises(ConflictError) as exc:
        actions.propose_listing(actor=pm, product=shop["product"], channels=[shop["b2c"]])
    assert exc.value.code == "already_listed"

    actions.propose_listing(actor=pm, product=shop["product"], channels=[shop["jd"]])
    with pytest.raises(ConflictError) as exc:
        actions.propose_listing(actor=staff["planner"], product=shop["product"],
                                channels=[shop["jd"], shop["tmall"]])
    assert exc.value.code == "open_proposal_exists"

    Channel.objects.filter(pk=shop["tmall"].pk).update(active=False)
    with pytest.raises(UserError) as exc:
        actions.propose_listing(actor=pm, product=shop["product"], channels=[shop["tmall"]])
    assert exc.value.code == "channel_inactive"

    draft = make_product(status="draft")
    with pytest.raises(UserError) as exc:
        actions.propose_listing(actor=pm, product=draft, channels=[shop["b2c"]])
    assert exc.value.code == "product_not_active"


def test_cat2_proposal_page_names_product_and_channels(shop, staff, client_for):
    proposal = actions.propose_listing(actor=staff["planner"], product=shop["product"],
                                       channels=_channels(shop, "tmall", "jd"))
    body = client_for(staff["manager"]).get(proposal.get_absolute_url()).content.decode()
    assert "上架渠道" in body and "天猫旗舰店；京东自营店" in body
    assert "真丝衬衫（CS2026） 上架到 天猫旗舰店、京东自营店" in body


# --- delisting ----------------------------------------------------------------------------


def test_cat3_approved_delisting_delists_and_never_auto_relists(shop, staff, stock):
    _list(shop, staff)
    proposal = actions.propose_delisting(actor=staff["product_manager"], product=shop["product"],
                                         channels=[shop["jd"]], reason="品牌方要求京东暂停销售")
    approve_proposal(actor=staff["manager"], proposal=proposal)
    execute_proposal(actor=staff["editor"], proposal=proposal)
    assert _states(shop["product"])["jd"] == (L.DELISTED, "approved")
    event = Event.objects.get(verb="listing.delisted")
    assert event.actor == staff["editor"] and "品牌方要求京东暂停销售" in event.summary

    pk = shop["product"].pk
    stock[pk] = 0
    actions.stock_changed(product_ids=[pk], actor=None)
    stock[pk] = 12
    actions.stock_changed(product_ids=[pk], actor=None)
    assert _states(shop["product"]) == {"b2c": (L.LISTED, ""), "tmall": (L.LISTED, ""),
                                        "jd": (L.DELISTED, "approved")}


def test_cat3_delisting_needs_a_reason_and_a_listed_channel(shop, staff):
    _list(shop, staff, "b2c")
    with pytest.raises(UserError) as exc:
        actions.propose_delisting(actor=staff["editor"], product=shop["product"],
                                  channels=[shop["b2c"]], reason=" ")
    assert exc.value.code == "reason_required"
    with pytest.raises(ConflictError) as exc:
        actions.propose_delisting(actor=staff["editor"], product=shop["product"],
                                  channels=[shop["jd"]], reason="停售")
    assert exc.value.code == "not_listed"


def test_cat3_stock_zero_delisting_can_be_made_permanent_by_approval(shop, staff, stock):
    _list(shop, staff, "b2c")
    pk = shop["product"].pk
    stock[pk] = 0
    actions.stock_changed(product_ids=[pk], actor=None)
    proposal = actions.propose_delisting(actor=staff["editor"], product=shop["product"],
                                         channels=[shop["b2c"]], reason="款式过季，不再补货")
    approve_proposal(actor=staff["manager"], proposal=proposal)
    execute_proposal(actor=staff["editor"], proposal=proposal)
    stock[pk] = 30
    actions.stock_changed(product_ids=[pk], actor=None)
    assert _states(shop["product"]) == {"b2c": (L.DELISTED, "approved")}


# --- automatic delisting (CAT-3) ----------------------------------------------------------


def test_cat3_auto_delist_at_zero_sellable_stock_in_every_channel_and_relist(shop, staff, stock):
    _list(shop, staff)
    other = make_product("针织开衫")
    pk = shop["product"].pk
    stock[pk], stock[other.pk] = 3, 0
    assert actions.stock_changed(product_ids=[pk], actor=staff["picker"]) == {
        "delisted": [], "relisted": []}
    stock[pk] = 0
    assert actions.stock_changed(product_ids=[pk, other.pk], actor=staff["picker"]) == {
        "delisted": [pk], "relisted": []}
    assert _states(shop["product"]) == {code: (L.DELISTED, "stock_zero")
                                        for code in ("b2c", "tmall", "jd")}
    event = Event.objects.get(verb="listing.auto_delisted")
    assert event.actor is None and event.actor_name == "系统"
    assert event.data["stock_actor"] == staff["picker"].pk
    assert set(event.changes) == {"京东自营店", "官网商城", "天猫旗舰店"}

    actions.stock_changed(product_ids=[pk], actor=None)  # still zero: nothing more happens
    assert Event.objects.filter(verb="listing.auto_delisted").count() == 1

    stock[pk] = 5
    assert actions.stock_changed(product_ids=[pk], actor=None)["relisted"] == [pk]
    assert _states(shop["product"]) == {code: (L.LISTED, "") for code in ("b2c", "tmall", "jd")}
    assert Event.objects.get(verb="listing.auto_relisted").actor is None


def test_cat3_no_auto_relist_when_setting_is_off(shop, staff, stock):
    _list(shop, staff, "b2c")
    change_setting(actor=staff["sysadmin"], key="catalog.auto_relist", raw_value="false")
    pk = shop["product"].pk
    stock[pk] = 0
    actions.stock_changed(product_ids=[pk], actor=None)
    stock[pk] = 8
    actions.stock_changed(product_ids=[pk], actor=None)
    assert _states(shop["product"]) == {"b2c": (L.DELISTED, "stock_zero")}
    assert not Event.objects.filter(verb="listing.auto_relisted").exists()


def test_cat3_unknown_product_counts_as_zero_and_unlisted_products_are_untouched(
        shop, staff, stock):
    _list(shop, staff, "tmall")
    unlisted = make_product()
    actions.stock_changed(product_ids=[shop["product"].pk, unlisted.pk], actor=None)
    assert _states(shop["product"]) == {"tmall": (L.DELISTED, "stock_zero")}
    assert _states(unlisted) == {}


def test_cat3_stock_changed_reads_twice_whatever_the_number_of_products(
        db, staff, stock, django_assert_max_num_queries):
    b2c, jd = channel("b2c"), channel("jd")
    products = [make_product() for _ in range(30)]
    for product in products:
        stock[product.pk] = 4
        for ch in (b2c, jd):
            Listing.objects.create(product=product, channel=ch, state=L.LISTED)
    # Availability comes from the ledger (mocked here); the listings are one query and the
    # auto_relist setting at most one more.
    with django_assert_max_num_queries(2):
        actions.stock_changed(product_ids=[p.pk for p in products], actor=None)


# --- pages --------------------------------------------------------------------------------


def test_cat2_listing_form_proposes_for_chosen_channels(shop, staff, client_for):
    client = client_for(staff["planner"])
    url = f"/catalog/{shop['product'].pk}/listing/propose/"
    assert "未上架" in client.get(url).content.decode()
    response = client.post(url, {"channel": [shop["b2c"].pk, shop["jd"].pk],
                                 "reason": "秋季新品"})
    proposal = Proposal.objects.get()
    assert response.status_code == 302 and response["Location"] == proposal.get_absolute_url()
    assert proposal.payload["channel_ids"] == [shop["b2c"].pk, shop["jd"].pk]
    assert proposal.kind == "product_listing"

    again = client.post(url, {"channel": [shop["jd"].pk]})
    assert again.status_code == 400 and "请勿重复提交" in again.content.decode()
    none = client.post(url, {})
    assert "请至少选择一个渠道" in none.content.decode()


def test_cat3_delisting_form_requires_reason_and_is_forbidden_to_reviewer(
        shop, staff, client_for):
    _list(shop, staff, "b2c")
    url = f"/catalog/{shop['product'].pk}/delisting/propose/"
    assert client_for(staff["reviewer"]).get(url).status_code == 403
    client = client_for(staff["editor"])
    refused = client.post(url, {"channel": [shop["b2c"].pk], "reason": ""})
    assert refused.status_code == 400 and "请填写下架原因" in refused.content.decode()
    client.post(url, {"channel": [shop["b2c"].pk], "reason": "商品存在质量投诉"})
    assert Proposal.objects.get(kind="product_delisting").payload["reason"] == "商品存在质量投诉"


def test_cat2_listing_panel_shows_states_and_buttons_by_post(shop, staff, stock):
    _list(shop, staff, "b2c")
    stock[shop["product"].pk] = 0
    actions.stock_changed(product_ids=[shop["product"].pk], actor=None)
    _list(shop, staff, "tmall")
    template = Template("{% load catalog_pricing %}{% listing_panel product %}")

    def render(user):
        request = RequestFactory().get("/")
        request.user = user
        return template.render(Context({"request": request, "product": shop["product"]}))

    body = render(staff["product_manager"])
    assert "已下架（库存为零）" in body and "已上架" in body and "未上架" in body
    assert "申请上架" in body and "申请下架" in body
    reviewer = render(staff["reviewer"])
    assert "申请上架" not in reviewer and "申请下架" not in reviewer
    editor = render(staff["editor"])
    assert "申请上架" not in editor and "申请下架" in editor


# --- driven by the real stock ledger ------------------------------------------------------


def test_cat3_ledger_drives_auto_delist_and_relist(shop, staff):
    _list(shop, staff, "b2c", "tmall")
    sku = shop["product"].skus.get()
    main = make_warehouse(name="杭州主仓")
    showroom = make_warehouse(name="样品间", sellable=False)
    keeper = staff["warehouse_supervisor"]
    ledger.receive(actor=keeper, sku=sku, warehouse=main, quantity=5, reference="RK-1")
    ledger.receive(actor=keeper, sku=sku, warehouse=showroom, quantity=2, reference="RK-2")
    held = ledger.reserve(actor=keeper, sku=sku, warehouse=main, quantity=2, reference="SO-1")
    ledger.issue(actor=keeper, sku=sku, warehouse=main, quantity=2, reference="CK-1")
    assert _states(shop["product"]) == {"b2c": (L.LISTED, ""), "tmall": (L.LISTED, "")}

    # The last sellable unit is reserved: nothing left to sell although 2 are on hand in
    # the main warehouse and 2 in the (not sellable) showroom.
    ledger.reserve(actor=keeper, sku=sku, warehouse=main, quantity=1, reference="SO-2")
    assert _states(shop["product"]) == {"b2c": (L.DELISTED, "stock_zero"),
                                        "tmall": (L.DELISTED, "stock_zero")}
    event = Event.objects.get(verb="listing.auto_delisted")
    assert event.actor is None and event.data["stock_actor"] == keeper.pk

    ledger.release(actor=keeper, reservation=held, note="客户取消订单")
    assert _states(shop["product"]) == {"b2c": (L.LISTED, ""), "tmall": (L.LISTED, "")}
    assert Event.objects.filter(verb="listing.auto_relisted").count() == 1

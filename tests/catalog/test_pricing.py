"""CAT-4 / CAT-8: price changes through proposals, price history, the price list."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from shopops.catalog.actions.pricing import propose_price_change, sku_label
from shopops.catalog.models import Channel, ChannelPrice, PriceChange, Sku
from shopops.core.actions.approvals import approve_proposal, execute_proposal, propose
from shopops.core.errors import ConflictError, PermissionDeniedError, UserError
from shopops.core.models import Event, Proposal
from tests.factories import channel, make_brand, make_category, make_product

S = Proposal.State


@pytest.fixture
def shop(db):
    """A dress with two SKUs (base ¥199.00, cost ¥80.00) and three channels; JD already has
    its own price for the first SKU."""
    b2c, tmall, jd = channel("b2c"), channel("tmall"), channel("jd")
    product = make_product("夏季碎花连衣裙", skus=[{"颜色": "藏青", "尺码": "M"},
                                                {"颜色": "藏青", "尺码": "L"}],
                           price_fen=19900, cost_fen=8000, code="LYQ2026")
    m, big = product.skus.order_by("code")
    ChannelPrice.objects.create(sku=m, channel=jd, price_fen=20900)
    return {"product": product, "m": m, "l": big, "b2c": b2c, "tmall": tmall, "jd": jd}


def _lines(shop):
    return [{"sku_id": shop["m"].pk, "channel_id": None, "new_fen": 17900},
            {"sku_id": shop["m"].pk, "channel_id": shop["tmall"].pk, "new_fen": 18900},
            {"sku_id": shop["m"].pk, "channel_id": shop["jd"].pk, "new_fen": 19900}]


def _propose(shop, actor, lines=None, reason="天猫同款竞品降至 ¥185，跟进调价。"):
    return propose_price_change(actor=actor, product=shop["product"],
                                prices=lines or _lines(shop), reason=reason)


# --- chain --------------------------------------------------------------------------------


def test_cat4_product_manager_and_planner_propose_reviewer_and_editor_cannot(shop, staff):
    assert _propose(shop, staff["product_manager"]).state == S.PENDING
    Proposal.objects.all().delete()
    assert _propose(shop, staff["planner"]).state == S.PENDING
    Proposal.objects.all().delete()
    for role in ("reviewer", "editor", "picker"):
        with pytest.raises(PermissionDeniedError) as exc:
            _propose(shop, staff[role])
        assert exc.value.code == "not_a_proposer"
    assert not Proposal.objects.exists()


def test_cat4_apr2_nobody_approves_own_price_change(shop, make_user, staff):
    both = make_user(roles=["product_manager", "manager"])
    proposal = _propose(shop, both)
    with pytest.raises(PermissionDeniedError) as exc:
        approve_proposal(actor=both, proposal=proposal)
    assert exc.value.code == "self_approval"
    proposal.refresh_from_db()
    assert proposal.state == S.PENDING


def test_cat4_only_the_editor_executes(shop, staff):
    proposal = _propose(shop, staff["product_manager"])
    approve_proposal(actor=staff["manager"], proposal=proposal)
    for role in ("product_manager", "manager"):
        with pytest.raises(PermissionDeniedError):
            execute_proposal(actor=staff[role], proposal=proposal)
    assert Sku.objects.get(pk=shop["m"].pk).price_fen == 19900
    assert not PriceChange.objects.exists()


# --- execution ----------------------------------------------------------------------------


def test_cat4_cat8_editor_executes_prices_and_history_exactly(shop, staff):
    proposal = _propose(shop, staff["product_manager"])
    assert proposal.payload["prices"][1]["old_fen"] is None  # tmall followed the base price
    approve_proposal(actor=staff["manager"], proposal=proposal, comment="同意")
    assert Sku.objects.get(pk=shop["m"].pk).price_fen == 19900  # nothing before execution
    execute_proposal(actor=staff["editor"], proposal=proposal)

    proposal.refresh_from_db()
    assert proposal.state == S.EXECUTED
    assert Sku.objects.get(pk=shop["m"].pk).price_fen == 17900
    assert Sku.objects.get(pk=shop["l"].pk).price_fen == 19900
    prices = dict(ChannelPrice.objects.filter(sku=shop["m"]).values_list("channel__code",
                                                                          "price_fen"))
    assert prices == {"tmall": 18900, "jd": 19900}
    rows = list(PriceChange.objects.order_by("id").values_list(
        "sku_id", "channel_id", "old_fen", "new_fen", "actor_id", "proposal_id", "reason"))
    reason = "天猫同款竞品降至 ¥185，跟进调价。"
    m, editor = shop["m"].pk, staff["editor"].pk
    assert rows == [(m, None, 19900, 17900, editor, proposal.pk, reason),
                    (m, shop["tmall"].pk, None, 18900, editor, proposal.pk, reason),
                    (m, shop["jd"].pk, 20900, 19900, editor, proposal.pk, reason)]
    event = Event.objects.get(verb="price.changed")
    assert event.actor == staff["editor"]
    assert event.object_id == str(shop["product"].pk)
    assert event.changes[f"{shop['m'].code} 基准价"] == ["¥199.00", "¥179.00"]
    assert event.changes[f"{shop['m'].code} 天猫旗舰店"] == ["（沿用基准价）", "¥189.00"]
    assert proposal.result == {"调价项数": 3, "商品": str(shop["product"])}


def test_cat4_stale_old_price_refused_at_proposal(shop, staff):
    lines = [{"sku_id": shop["m"].pk, "channel_id": shop["jd"].pk, "old_fen": 19900,
              "new_fen": 18800}]
    with pytest.raises(ConflictError) as exc:
        _propose(shop, staff["product_manager"], lines)
    assert exc.value.code == "price_moved"
    assert "申请时为 ¥199.00，现为 ¥209.00" in exc.value.message
    assert not Proposal.objects.exists()


def test_cat4_price_moved_meanwhile_refuses_execution_and_changes_nothing(shop, staff):
    first = _propose(shop, staff["product_manager"])
    approve_proposal(actor=staff["manager"], proposal=first)
    # A second proposal for the JD price only is approved and executed first.
    second = _propose(shop, staff["planner"], [
        {"sku_id": shop["m"].pk, "channel_id": shop["jd"].pk, "new_fen": 18500}])
    approve_proposal(actor=staff["manager"], proposal=second)
    execute_proposal(actor=staff["editor"], proposal=second)

    with pytest.raises(ConflictError) as exc:
        execute_proposal(actor=staff["editor"], proposal=first)
    assert exc.value.code == "price_moved"
    assert "京东自营店" in exc.value.message and "现为 ¥185.00" in exc.value.message
    first.refresh_from_db()
    assert first.state == S.APPROVED  # the claim rolled back with the writes
    # The base and Tmall lines written before the JD line were rolled back too.
    assert Sku.objects.get(pk=shop["m"].pk).price_fen == 19900
    assert not ChannelPrice.objects.filter(channel=shop["tmall"]).exists()
    assert list(PriceChange.objects.values_list("proposal_id", flat=True)) == [second.pk]


def test_cat4_channel_price_set_meanwhile_refuses_a_first_channel_price(shop, staff):
    first = _propose(shop, staff["product_manager"], [
        {"sku_id": shop["l"].pk, "channel_id": shop["tmall"].pk, "new_fen": 18900}])
    approve_proposal(actor=staff["manager"], proposal=first)
    ChannelPrice.objects.create(sku=shop["l"], channel=shop["tmall"], price_fen=17000)
    with pytest.raises(ConflictError) as exc:
        execute_proposal(actor=staff["editor"], proposal=first)
    assert "申请时为 沿用基准价，现为 ¥170.00" in exc.value.message
    assert ChannelPrice.objects.get(sku=shop["l"], channel=shop["tmall"]).price_fen == 17000


@pytest.mark.parametrize("lines, code", [
    ([{"channel_id": None, "new_fen": 0}], "price_not_positive"),
    ([{"channel_id": None, "new_fen": 10 ** 13}], "price_too_large"),
    ([{"channel_id": None, "new_fen": 19900}], "price_unchanged"),
    ([{"channel_id": None, "new_fen": 18000}, {"channel_id": None, "new_fen": 17000}],
     "duplicate_line"),
    ([], "no_price_lines"),
])
def test_cat4_bad_price_lines_are_refused(shop, staff, lines, code):
    for line in lines:
        line["sku_id"] = shop["m"].pk
    with pytest.raises(UserError) as exc:
        propose_price_change(actor=staff["product_manager"], product=shop["product"],
                             prices=lines, reason="测试")
    assert exc.value.code == code
    assert not Proposal.objects.exists()


def test_cat4_sku_of_another_product_inactive_channel_and_missing_reason_refused(shop, staff):
    other = make_product().skus.first()
    pm = staff["product_manager"]
    with pytest.raises(UserError) as exc:
        _propose(shop, pm, [{"sku_id": other.pk, "channel_id": None, "new_fen": 100}])
    assert exc.value.code == "sku_not_in_product"
    Channel.objects.filter(pk=shop["b2c"].pk).update(active=False)
    with pytest.raises(UserError) as exc:
        _propose(shop, pm, [{"sku_id": shop["m"].pk, "channel_id": shop["b2c"].pk,
                             "new_fen": 100}])
    assert exc.value.code == "channel_inactive"
    with pytest.raises(UserError) as exc:
        _propose(shop, pm, reason="  ")
    assert exc.value.code == "reason_required"


def test_cat4_raw_propose_with_a_forged_payload_is_validated(shop, staff):
    """The generic approval API hands payloads straight to validate=."""
    with pytest.raises(UserError) as exc:
        propose(actor=staff["product_manager"], kind="price_change", title="调价",
                payload={"product_id": shop["product"].pk, "reason": "x",
                         "prices": [{"sku_id": "abc", "channel_id": None, "old_fen": 1,
                                     "new_fen": 2}]})
    assert exc.value.code == "bad_payload"


# --- pages --------------------------------------------------------------------------------


def test_cat4_proposal_page_reads_in_chinese(shop, staff, client_for):
    proposal = _propose(shop, staff["product_manager"])
    body = client_for(staff["manager"]).get(proposal.get_absolute_url()).content.decode()
    assert "调价明细" in body and "调价原因" in body
    # "LYQ2026-01 藏青 M" (PostgreSQL's jsonb may order the attributes differently)
    label = sku_label(Sku.objects.get(pk=shop["m"].pk))
    assert set(label.split()) == {shop["m"].code, "藏青", "M"}
    assert f"{label} · 基准价：¥199.00 → ¥179.00（-10.1%）" in body
    assert f"{label} · 天猫旗舰店：（沿用基准价） → ¥189.00" in body
    assert "京东自营店：¥209.00 → ¥199.00（-4.8%）" in body


def test_cat4_propose_form_submits_exact_fen(shop, staff, client_for):
    client = client_for(staff["product_manager"])
    url = f"/catalog/{shop['product'].pk}/prices/propose/"
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "¥209.00" in body and "¥199.00" in body
    m = shop["m"].pk
    response = client.post(url, {
        f"p_{m}_base": "179.5", f"o_{m}_base": "19900",
        f"p_{m}_{shop['tmall'].pk}": "¥188.00", f"o_{m}_{shop['tmall'].pk}": "",
        "reason": "跟进竞品"})
    proposal = Proposal.objects.get()
    assert response.status_code == 302 and response["Location"] == proposal.get_absolute_url()
    assert [(x["channel_id"], x["old_fen"], x["new_fen"]) for x in proposal.payload["prices"]] \
        == [(None, 19900, 17950), (shop["tmall"].pk, None, 18800)]
    assert proposal.subject_id == str(shop["product"].pk)


def test_cat4_propose_form_refuses_a_price_moved_since_it_was_shown(shop, staff, client_for):
    client = client_for(staff["product_manager"])
    m = shop["m"].pk
    response = client.post(f"/catalog/{shop['product'].pk}/prices/propose/", {
        f"p_{m}_{shop['jd'].pk}": "199", f"o_{m}_{shop['jd'].pk}": "21900",
        "reason": "跟进竞品"})
    assert response.status_code == 400
    assert "价格已变动" in response.content.decode()
    assert 'value="199"' in response.content.decode()  # what was typed is kept
    assert not Proposal.objects.exists()


def test_cat4_propose_form_is_forbidden_to_posts_that_cannot_propose(shop, staff, client_for):
    for role in ("reviewer", "editor"):
        url = f"/catalog/{shop['product'].pk}/prices/propose/"
        assert client_for(staff[role]).get(url).status_code == 403
        assert client_for(staff[role]).post(url, {"reason": "x"}).status_code == 403
    assert client_for(staff["planner"]).get(
        f"/catalog/{shop['product'].pk}/prices/propose/").status_code == 200


def test_cat4_price_history_page_shows_who_when_why_and_proposal(shop, staff, client_for):
    proposal = _propose(shop, staff["product_manager"])
    approve_proposal(actor=staff["manager"], proposal=proposal)
    execute_proposal(actor=staff["editor"], proposal=proposal)
    body = client_for(staff["reviewer"]).get(
        f"/catalog/{shop['product'].pk}/prices/").content.decode()
    assert body.count("<del>¥199.00</del>") == 1 and "¥179.00" in body
    assert "¥209.00" in body and "-4.8%" in body
    assert "天猫同款竞品降至 ¥185，跟进调价。" in body
    assert str(staff["editor"]) in body
    assert f'href="/proposals/{proposal.pk}/"' in body
    only_base = client_for(staff["reviewer"]).get(
        f"/catalog/{shop['product'].pk}/prices/?sku={shop['l'].pk}").content.decode()
    assert "暂无调价记录" in only_base


def test_cat4_cat8_price_list_shows_channels_margin_and_last_change(shop, staff, client_for):
    proposal = _propose(shop, staff["product_manager"])
    approve_proposal(actor=staff["manager"], proposal=proposal)
    execute_proposal(actor=staff["editor"], proposal=proposal)
    response = client_for(staff["analyst"]).get("/catalog/prices/")
    assert response.status_code == 200
    body = response.content.decode()
    for name in ("官网商城", "天猫旗舰店", "京东自营店"):
        assert name in body
    # base ¥179.00 at cost ¥80.00 → 55.3 %; JD ¥199.00 → 59.8 %
    assert "55.3%" in body and "59.8%" in body
    assert str(staff["editor"]) in body


def test_cat4_price_list_filters_by_category_brand_and_search(shop, staff, client_for):
    parent = make_category("家居")
    bedding = make_category("床品", parent=parent)
    brand = make_brand("梦洁")
    make_product("全棉床品四件套", category=bedding, brand=brand, code="CP100")
    client = client_for(staff["analyst"])

    def codes(query):
        body = client.get("/catalog/prices/?" + query).content.decode()
        return {c for c in ("LYQ2026", "CP100") if c in body}

    assert codes(f"category={parent.pk}") == {"CP100"}  # subtree
    assert codes(f"brand={brand.pk}") == {"CP100"}
    assert codes("q=连衣裙") == {"LYQ2026"}
    assert codes(f"q={shop['l'].barcode}") == {"LYQ2026"}
    assert codes("") == {"LYQ2026", "CP100"}


def test_cat4_price_list_queries_are_bounded(db, staff, client_for,
                                             django_assert_max_num_queries):
    channels = [channel("b2c"), channel("tmall"), channel("jd")]
    for i in range(10):
        product = make_product(skus=[{"尺码": s} for s in ("S", "M", "L")])
        for sku in product.skus.all():
            for ch in channels:
                ChannelPrice.objects.create(sku=sku, channel=ch, price_fen=10000 + i)
    client = client_for(staff["analyst"])
    client.get("/catalog/prices/")  # warm caches (settings, session)
    with django_assert_max_num_queries(14):
        response = client.get("/catalog/prices/")
    assert response.status_code == 200
    assert response.content.decode().count("¥100.0") == 90


def test_cat4_pricing_panel_shows_button_only_to_proposers(shop, staff):
    template = Template("{% load catalog_pricing %}{% pricing_panel product %}")

    def render(user):
        request = RequestFactory().get("/")
        request.user = user
        return template.render(Context({"request": request, "product": shop["product"]}))

    body = render(staff["product_manager"])
    assert "申请调价" in body and "¥209.00" in body and "价格历史" in body
    assert "申请调价" not in render(staff["reviewer"])

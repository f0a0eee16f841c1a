"""CAT-4 in a real browser: the product manager proposes a price change from the product
page, the manager approves, the web editor executes, and the new price and its history
show on the product page and the price history."""

import re

from shopops.catalog.actions.pricing import record_competitor_price
from shopops.catalog.models import ChannelPrice, PriceChange, Sku
from shopops.core.models import Proposal
from tests.browser.conftest import login
from tests.conftest import PASSWORD
from tests.factories import channel, make_product


def test_cat4_price_change_proposed_approved_executed_in_browser(new_page, staff, shot):
    b2c, tmall, jd = channel("b2c"), channel("tmall"), channel("jd")
    product = make_product("法式复古碎花连衣裙", code="LYQ-0618", price_fen=29900,
                           cost_fen=11000, skus=[{"颜色": "雾霾蓝", "尺码": "M"},
                                                 {"颜色": "雾霾蓝", "尺码": "L"}])
    m, big = product.skus.order_by("code")
    ChannelPrice.objects.create(sku=m, channel=jd, price_fen=31900)
    record_competitor_price(actor=staff["product_manager"], product=product,
                            competitor="某品牌天猫旗舰店", price_fen=26900, note="618 满减后")

    pm = new_page()
    login(pm, "product_manager", PASSWORD)
    pm.goto(f"/catalog/{product.pk}/")
    panel = pm.get_by_test_id("pricing-panel")
    assert "¥299.00" in panel.inner_text() and "¥319.00" in panel.inner_text()
    shot(pm, "product-before")
    panel.get_by_role("link", name="申请调价").click()
    pm.wait_for_load_state("networkidle")
    pm.fill(f"#p_{m.pk}_base", "279.00")
    pm.fill(f"#p_{m.pk}_{tmall.pk}", "269")
    pm.fill(f"#p_{m.pk}_{jd.pk}", "¥289.5")
    pm.get_by_label("某品牌天猫旗舰店").check()
    pm.fill("#reason", "竞品天猫旗舰店 618 满减后 ¥269，天猫跟进到同价，其他渠道小幅下调。")
    shot(pm, "propose-form")
    pm.click("button:has-text('提交调价申请')")
    pm.wait_for_load_state("networkidle")
    assert "调价申请已提交" in pm.content()
    assert pm.get_by_test_id("state").inner_text() == "待审批"
    proposal_url = re.sub(r"^https?://[^/]+", "", pm.url)
    assert re.match(r"^/proposals/\d+/$", proposal_url), pm.url
    payload = pm.get_by_test_id("payload").inner_text()
    assert "基准价：¥299.00 → ¥279.00（-6.7%）" in payload
    assert "天猫旗舰店：（沿用基准价） → ¥269.00" in payload
    assert "京东自营店：¥319.00 → ¥289.50（-9.2%）" in payload
    assert "某品牌天猫旗舰店 ¥269.00" in payload
    shot(pm, "proposal-pending")

    boss = new_page()
    login(boss, "manager", PASSWORD)
    boss.goto("/proposals/waiting/")
    boss.locator(f"table.list a[href='{proposal_url}']").first.click()
    boss.wait_for_load_state("networkidle")
    boss.fill("#approve-comment", "同意，活动结束后复盘销量。")
    boss.click("button:has-text('批准')")
    boss.wait_for_load_state("networkidle")
    assert boss.get_by_test_id("state").inner_text() == "已批准待执行"
    assert Sku.objects.get(pk=m.pk).price_fen == 29900  # approved, not yet executed

    editor = new_page()
    login(editor, "editor", PASSWORD)
    editor.goto(proposal_url)
    editor.click("button:has-text('执行')")
    editor.wait_for_load_state("networkidle")
    assert editor.get_by_test_id("state").inner_text() == "已执行"
    shot(editor, "proposal-executed")

    assert Sku.objects.get(pk=m.pk).price_fen == 27900
    assert Sku.objects.get(pk=big.pk).price_fen == 29900
    assert ChannelPrice.objects.get(sku=m, channel=tmall).price_fen == 26900
    assert ChannelPrice.objects.get(sku=m, channel=jd).price_fen == 28950
    assert not ChannelPrice.objects.filter(channel=b2c).exists()
    proposal = Proposal.objects.get()
    assert set(PriceChange.objects.values_list("actor__username", "proposal_id")) == {
        ("editor", proposal.pk)}

    pm.goto(f"/catalog/{product.pk}/")
    panel = pm.get_by_test_id("pricing-panel")
    row = panel.locator(f"tr[data-sku='{m.code}']").inner_text()
    assert "¥279.00" in row and "¥269.00" in row and "¥289.50" in row
    recent = panel.get_by_test_id("recent-price-changes").inner_text()
    assert "¥299.00 → ¥279.00" in recent and f"#{proposal.pk}" in recent
    shot(pm, "product-after")

    panel.get_by_role("link", name="价格历史").click()
    pm.wait_for_load_state("networkidle")
    history = pm.get_by_test_id("price-history").inner_text()
    assert history.count(str(staff["editor"])) == 3
    assert "竞品天猫旗舰店 618 满减后 ¥269" in history
    assert "¥319.00" in history and "¥289.50" in history
    shot(pm, "history")
    pm.get_by_role("link", name=f"#{proposal.pk}").first.click()
    pm.wait_for_load_state("networkidle")
    assert re.sub(r"^https?://[^/]+", "", pm.url) == proposal_url
    shot(pm, "proposal-from-history")

    pm.goto(f"/catalog/prices/?q={product.code}")
    listed = pm.get_by_test_id("price-list").inner_text()
    assert "¥279.00" in listed and "60.6%" in listed  # (279 - 110) / 279
    shot(pm, "price-list")
    pm.goto(f"/catalog/{product.pk}/competitors/")
    pm.fill("#competitor", "京东 · 某品牌自营")
    pm.fill("#price", "275")
    pm.click("button:has-text('记录')")
    pm.wait_for_load_state("networkidle")
    assert "已记录竞品价格：京东 · 某品牌自营 ¥275.00" in pm.content()
    shot(pm, "competitors")
    pm.goto(f"/catalog/{product.pk}/listing/propose/")
    shot(pm, "propose-listing")

"""After-sales in a real browser (chromium): a shop customer applies for a return with a
photo from their order page; customer service approves it; the returns desk sees the
match and the rule's suggestion as the waybill is typed. Screenshots of every page land in
test-artifacts/ for a person to look at."""

import pytest

from shopops.aftersales.actions.handling import set_dispute
from shopops.aftersales.models import AfterSale
from tests.aftersales.conftest import *  # noqa: F403 (the after-sales fixtures, as they are)
from tests.aftersales.conftest import SHOP_PASSWORD, jpeg
from tests.browser.conftest import login
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def scene(shop_account, paid_in_shop, deliver, make_user, transactional_db):
    order = deliver(paid_in_shop(shop_account.customer))
    agent = make_user(roles=["aftersale_cs"], username="zhengli", display_name="郑丽")
    desk = make_user(roles=["returns_receiver"], username="hexue", display_name="何雪")
    boss = make_user(roles=["cs_supervisor", "warehouse_supervisor"], username="zhoumin",
                     display_name="周敏")
    return order, agent, desk, boss


def test_as1_customer_applies_and_staff_handle_it_in_the_browser(scene, new_page, shot,
                                                                 tmp_path):
    order, agent, desk, boss = scene
    picture = tmp_path / "抽丝.jpg"
    picture.write_bytes(jpeg(40).read())

    staff = new_page()
    login(staff, agent.username, PASSWORD)
    staff.goto("/aftersales/")
    staff.wait_for_selector("[data-live-indicator].on")

    page = new_page()
    page.goto(f"/shop/login/?next=/shop/orders/{order.pk}/")
    page.fill("input[name=mobile]", "13800138000")
    page.fill("input[name=password]", SHOP_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"**/shop/orders/{order.pk}/")
    shot(page, "shop-order-panel")
    page.click("[data-testid=apply-aftersales]")
    page.check("input[name=kind][value=return]")
    page.select_option("select[name=reason]", "quality")
    page.fill("input[name=refund]", "189")
    page.fill("textarea[name=description]", "裙摆内侧有一处抽丝，洗前就有。")
    page.set_input_files("input[name=photos]", str(picture))
    shot(page, "shop-request-form")
    page.click("button.primary")
    page.wait_for_selector("[data-testid=request-history]")
    assert "售后申请已提交" in page.content()
    shot(page, "shop-request-submitted")
    request = AfterSale.objects.get()
    assert (request.kind, request.reason, request.photos.count()) == ("return", "quality", 1)
    # The agent's queue shows it without a reload (the live region).
    staff.wait_for_selector(f"[data-testid=aftersales-list] >> text={request.number}")
    shot(staff, "staff-queue")
    set_dispute(actor=boss, request=request, note="客户同时在 12315 投诉，要求尽快处理")
    staff.click(f"text={request.number}")
    staff.wait_for_selector("[data-testid=approve-form]")
    assert "陈*" in staff.content()
    shot(staff, "staff-request")
    staff.fill("#approve_note", "请保留吊牌寄回")
    staff.click("[data-testid=approve-form] button[type=submit]")
    staff.wait_for_selector("text=已同意，等待客户寄回。")
    request.refresh_from_db()
    assert request.state == "approved"

    page.reload()
    page.fill("input[name=waybill_no]", "YT9123456780")
    page.click("[data-testid=return-box] button.primary")
    page.wait_for_selector("text=已提交退回运单")
    shot(page, "shop-request-returning")

    counter = new_page()
    login(counter, desk.username, PASSWORD)
    counter.goto("/aftersales/parcels/")
    counter.fill("#waybill_no", "YT9123456780")
    counter.wait_for_selector(f"[data-testid=parcel-match] >> text={request.number}")
    assert "已同意售后" in counter.inner_text("[data-testid=parcel-match]")
    shot(counter, "desk-match")
    counter.check("input[name=decision][value=signed]")
    counter.click("[data-testid=parcel-form] button[type=submit]")
    counter.wait_for_selector("text=已登记")
    shot(counter, "desk-registered")
    request.refresh_from_db()
    assert request.state == "received"

    chief = new_page()
    login(chief, boss.username, PASSWORD)
    chief.goto("/aftersales/today/")
    assert request.number in chief.inner_text("[data-testid=in-progress]")
    shot(chief, "supervisor-day")

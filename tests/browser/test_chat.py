"""CS-1 live chat in two real browsers: a visitor on a shop page opens the chat widget and
asks; the agent, on the console (客服工作台) in another browser, sees the question arrive,
takes it, and the messages then pass each way within a second, without a reload.

The times measured here are upper bounds: from the moment the test types Enter in one
browser to the moment it finds the message in the other, including the sending request,
the publication after commit, the server-sent event, the fetch of the new message and
Playwright's own polling. Locally they are ~0.1–0.3 s; the rule is 1 s ("within a second"),
so the margin is about 0.7 s on a loaded two-core machine."""

import time

import pytest
from django.utils import timezone

from shopops.core import registry
from shopops.core.models import SettingValue
from shopops.service.models import Conversation
from tests.browser.conftest import login
from tests.conftest import PASSWORD

WITHIN = 1.0  # seconds, CS-1 "real time"


@pytest.fixture
def shop_page_product(db):
    """A dress listed in the shop, for the visitor to look at."""
    from shopops.catalog.models import Listing
    from shopops.inventory import ledger
    from tests.factories import channel, make_product, make_warehouse

    product = make_product("真丝印花连衣裙", skus=[{"颜色": "藏青", "尺码": "S"},
                                             {"颜色": "藏青", "尺码": "M"}], price_fen=39900)
    Listing.objects.create(product=product, channel=channel("b2c"), state="listed",
                           listed_at=timezone.now())
    warehouse = make_warehouse(code="hz-main", name="杭州主仓")
    for sku in product.skus.all():
        ledger.receive(actor=None, sku=sku, warehouse=warehouse, quantity=10, reference="test")
    return product


@pytest.fixture
def chat_open(db):
    for key in ("service.chat_opens", "service.chat_closes"):
        SettingValue.objects.update_or_create(key=key, defaults={"value": "00:00"})
    registry.clear_cache()


def _elapsed_until(locator, started):
    locator.wait_for(timeout=5_000)
    return time.monotonic() - started


def test_cs1_chat_each_way_within_a_second(new_page, shot, make_user, chat_open,
                                           shop_page_product):
    make_user(roles=["presale_cs"], username="wuqian", display_name="吴倩")

    # The agent's console is open, live, with nothing waiting.
    agent = new_page()
    login(agent, "wuqian", PASSWORD)
    agent.goto("/service/chat/", wait_until="domcontentloaded")
    agent.wait_for_function("document.body.getAttribute('data-chat-live') === 'on'")
    agent.evaluate("window.__marker = 1")
    assert agent.locator("[data-testid=waiting-count]").inner_text() == "0"

    # A visitor on the product page opens the widget and asks.
    customer = new_page()
    customer.goto(f"/shop/p/{shop_page_product.pk}/", wait_until="domcontentloaded")
    customer.click("[data-testid=chat-launcher]")
    customer.locator("[data-testid=chat-first-message]").fill("你好，这款真丝连衣裙有S码吗？")
    shot(customer, "1-customer-widget-open")
    started = time.monotonic()
    customer.click("[data-testid=chat-start]")
    arrived = _elapsed_until(agent.locator(".chat-queue a", has_text="有S码吗"), started)
    assert arrived <= WITHIN, f"the question reached the queue in {arrived:.2f} s"
    assert agent.locator("[data-testid=waiting-count]").inner_text() == "1"
    assert agent.evaluate("window.__marker") == 1, "the console was reloaded"
    customer.locator("[data-testid=chat-status]", has_text="正在为您接通客服").wait_for()
    assert customer.locator("[data-testid=chat-input]").input_value() == ""
    shot(agent, "2-agent-queue")

    # The agent takes it: the customer is told who serves them.
    conversation = Conversation.objects.get()
    agent.click(f"[data-testid=waiting-{conversation.pk}]")
    agent.click("[data-testid=chat-take]")
    agent.wait_for_function("document.body.getAttribute('data-chat-live') === 'on'")
    customer.locator("[data-testid=chat-status]", has_text="客服 吴倩 为您服务").wait_for()
    agent.evaluate("window.__marker = 2")

    # The customer writes: the agent's open conversation shows it within a second.
    customer.locator("[data-testid=chat-input]").fill("我身高158，体重48公斤，穿S码合适吗？")
    started = time.monotonic()
    customer.locator("[data-testid=chat-input]").press("Enter")
    to_agent = _elapsed_until(agent.locator("[data-testid=chat-messages] .from-customer",
                                            has_text="我身高158"), started)
    assert to_agent <= WITHIN, f"customer → agent took {to_agent:.2f} s"

    # The agent inserts the greeting from the script library… and answers.
    box = agent.locator("[data-testid=chat-reply-input]")
    box.fill("您好，S码适合身高155–160cm、体重45–50kg，您穿S码正合适。")
    started = time.monotonic()
    box.press("Enter")
    to_customer = _elapsed_until(customer.locator("[data-testid=chat-messages] .from-agent",
                                                  has_text="您穿S码正合适"), started)
    assert to_customer <= WITHIN, f"agent → customer took {to_customer:.2f} s"
    assert customer.locator("[data-testid=chat-messages] .from-agent .meta").last \
        .inner_text().startswith("客服 吴倩")
    assert agent.evaluate("window.__marker") == 2, "the console was reloaded"
    assert box.input_value() == ""
    print(f"\nCS-1 times: queue {arrived:.3f} s, customer→agent {to_agent:.3f} s, "
          f"agent→customer {to_customer:.3f} s")
    shot(customer, "3-customer-reply")
    shot(agent, "4-agent-console")

    # The customer ends it; writing again is refused in Chinese and nothing is stored.
    customer.click("[data-testid=chat-end]")
    customer.locator("[data-testid=chat-status]", has_text="本次会话已结束").wait_for()
    agent.locator("[data-testid=chat-state]", has_text="已结束").wait_for(timeout=5_000)
    agent.locator(".chat-queue", has_text="您当前没有接待中的会话。").wait_for(timeout=5_000)
    conversation.refresh_from_db()
    assert conversation.state == "closed"
    shot(agent, "5-agent-closed")

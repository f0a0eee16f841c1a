"""CS-3 and ROLE-6 in a real browser: the CS supervisor opens a scored conversation, sees the
faulty message marked and overrides the score with a comment; an agent opens a customer's
record masked, reveals it (logged) and sees the full phone."""

from datetime import timedelta

from django.utils import timezone

from shopops.service.models import Conversation, Customer, Message, PiiReveal
from shopops.service.quality import inspect_conversation
from tests.browser.conftest import login
from tests.conftest import PASSWORD


def _closed_conversation(agent, customer):
    start = timezone.now() - timedelta(hours=1)
    conversation = Conversation.objects.create(number="HH20261206-9001", agent=agent,
                                               customer=customer, started_at=start)
    for n, (sender, seconds, body) in enumerate([
            ("customer", 0, "请问这款羊毛衫会起球吗？"),
            ("agent", 9, "您好，欢迎来到五步商城！"),
            ("agent", 20, "这款是美利奴羊毛，正常穿着不易起球，您可以放心。"),
            ("customer", 60, "好的我再看看"),
            ("agent", 70, "好的，您慢慢挑选，有问题随时找我。")]):
        Message.objects.create(conversation=conversation, sender=sender, body=body,
                               at=start + timedelta(seconds=seconds, microseconds=n),
                               agent=agent if sender == "agent" else None)
    Conversation.objects.filter(pk=conversation.pk).update(
        state="closed", closed_at=start + timedelta(seconds=100))
    conversation.refresh_from_db()
    return inspect_conversation(conversation)


def test_cs3_supervisor_overrides_a_score_and_role6_agent_reveals_a_customer(new_page,
                                                                            make_user, shot):
    agent = make_user(roles=["presale_cs"], username="wuqian", display_name="吴倩")
    make_user(roles=["cs_supervisor"], username="zhoumin", display_name="周敏")
    customer = Customer.objects.create(number="KH20261206-0001", name="陈静",
                                       phone="13800138000")
    check = _closed_conversation(agent, customer)
    assert check.score == 90  # no closing

    boss = new_page()
    login(boss, "zhoumin", PASSWORD)
    boss.goto(f"/service/quality/{check.pk}/")
    assert boss.inner_text("[data-testid=score]") == "90"
    assert "没有结束语" in boss.inner_text("[data-testid=findings]")
    assert boss.locator(".chat-msg.flagged").count() == 2  # the agent's last two messages
    boss.fill("#final_score", "95")
    boss.fill("#comment", "客户已说再看看，结束得体，只缺“再见”，扣一半。")
    boss.click("[data-testid=review-form] button")
    boss.wait_for_load_state("networkidle")
    assert boss.inner_text("[data-testid=score]") == "95"
    assert "已复核：95 分。" in boss.content()
    shot(boss, "quality-reviewed")

    page = new_page()
    login(page, "wuqian", PASSWORD)
    page.goto(f"/service/customers/{customer.pk}/")
    assert page.inner_text("[data-testid=phone]") == "138****8000"
    page.click("[data-testid=reveal-pii]")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("[data-testid=phone]") == "13800138000"
    assert page.inner_text("[data-testid=name]") == "陈静"
    assert PiiReveal.objects.filter(viewer=agent, object_id=str(customer.pk)).count() == 1
    shot(page, "customer-revealed")

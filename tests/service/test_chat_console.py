"""CS-1/CS-2 the agent console (客服工作台) over HTTP: the queue, the conversation with its
reply box, quick replies and scripts, the customer beside it (masked), the replies as the
console's script sends them, and the refusals a person would read."""

import pytest
from django.urls import reverse

from shopops.core.actors import customer_actor
from shopops.core.errors import UserError
from shopops.service.actions import chat, scripts
from shopops.service.models import Message, Script

X_CHAT = {"HTTP_X_CHAT": "1"}


def _console(client, conversation=None):
    url = reverse("service:chat_conversation", args=[conversation.pk]) if conversation \
        else reverse("service:chat_console")
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_cs1_console_lists_waiting_oldest_first_and_my_conversations(
        client_for, team, waiting_chat, active_chat, chat_customer):
    first = waiting_chat(body="第一个问题")
    second = waiting_chat(body="第二个问题")
    mine = active_chat(agent=team["wu"], customer=chat_customer(name="林小美"),
                       body="我的订单到哪了")
    page = _console(client_for(team["wu"]))
    assert page.index(f'data-testid="waiting-{first.pk}"') < page.index(
        f'data-testid="waiting-{second.pk}"')
    assert 'data-testid="waiting-count">2<' in page
    assert f'data-testid="mine-{mine.pk}"' in page
    assert "林*" in page and "林小美" not in page  # masked on staff pages (ROLE-6)
    assert "待回复" in page  # the customer spoke last


def test_cs2_console_conversation_with_customer_orders_scripts_and_quick_replies(
        client_for, team, active_chat, chat_customer, customer_order):
    customer = chat_customer(name="林小美", phone="13800138000", flag="confirmed")
    order = customer_order(customer, state="paid")
    earlier = active_chat(agent=team["zheng"], customer=customer, body="上次的问题")
    chat.close_conversation(actor=team["zheng"], conversation=earlier, summary="已解决尺码问题")
    conversation = active_chat(agent=team["wu"], customer=customer)
    from shopops.storefront.actions.cart import cart_for
    from shopops.storefront.models import CartItem

    sku = order.lines.first().sku
    CartItem.objects.create(cart=cart_for(customer=customer), sku=sku, quantity=2)
    scripts.save_script(actor=team["zhou"], step=Script.Step.GREETING, title="开始语",
                        body="您好，欢迎来到五步商城，请问有什么需要帮助的吗？")
    scripts.save_quick_reply(actor=team["wu"], title="尺码", body="请问您平时穿什么尺码呢？")
    scripts.save_quick_reply(actor=team["zhou"], title="发货", body="付款后48小时内发货。",
                             shared=True)
    page = _console(client_for(team["wu"]), conversation)
    assert 'data-insert="您好，欢迎来到五步商城，请问有什么需要帮助的吗？"' in page
    assert 'data-insert="请问您平时穿什么尺码呢？"' in page
    assert 'data-insert="付款后48小时内发货。"' in page
    assert "138****8000" in page and "13800138000" not in page
    assert 'data-testid="customer-flag">劣质客户<' in page
    assert reverse("orders:order_detail", args=[order.pk]) in page
    assert "已解决尺码问题" in page  # the earlier conversation
    cart = page.split('data-testid="customer-cart"', 1)[1].split("</table>", 1)[0]
    assert "真丝印花连衣裙" in cart and "× 2" in cart and "藏青 / S" in cart
    assert "¥398.00" in cart  # 2 × ¥199.00
    assert 'data-testid="chat-reply-input"' in page


def test_cs1_reply_through_the_console_returns_the_new_messages(client_for, team, active_chat):
    conversation = active_chat(agent=team["wu"])
    last = conversation.messages.order_by("pk").last()
    response = client_for(team["wu"]).post(
        reverse("service:chat_reply", args=[conversation.pk]),
        {"body": "您好，S码有货的", "after": last.pk}, **X_CHAT)
    assert response.status_code == 200
    html = response.content.decode()
    message = Message.objects.get(conversation=conversation, sender="agent")
    assert f'data-id="{message.pk}"' in html and "您好，S码有货的" in html
    assert f'data-id="{last.pk}"' not in html  # only what is new


def test_cs1_reply_to_ended_conversation_refused_on_the_agent_side(client_for, team,
                                                                    active_chat):
    conversation = active_chat(agent=team["wu"])
    chat.close_conversation(actor=team["wu"], conversation=conversation, summary="已解答")
    count = Message.objects.filter(conversation=conversation).count()
    client = client_for(team["wu"])
    response = client.post(reverse("service:chat_reply", args=[conversation.pk]),
                           {"body": "还在吗？"}, **X_CHAT)
    assert response.status_code == 409
    assert response.json()["message"] == "该会话已结束，消息未发送。"
    response = client.post(reverse("service:chat_reply", args=[conversation.pk]),
                           {"body": "还在吗？"}, follow=True)
    assert "该会话已结束，消息未发送。" in response.content.decode()
    assert Message.objects.filter(conversation=conversation).count() == count


def test_cs1_take_from_the_console_and_the_loser_reads_who_has_it(client_for, team,
                                                                   waiting_chat):
    conversation = waiting_chat()
    url = reverse("service:chat_take", args=[conversation.pk])
    assert client_for(team["wu"]).post(url).status_code == 302
    response = client_for(team["zheng"]).post(url, follow=True)
    assert "该会话已被 吴倩 接入。" in response.content.decode()


def test_cs1_transfer_and_close_from_the_console(client_for, team, active_chat):
    conversation = active_chat(agent=team["wu"])
    client = client_for(team["wu"])
    response = client.post(reverse("service:chat_transfer", args=[conversation.pk]),
                           {"to_agent": team["zheng"].pk, "note": "退换货"}, follow=True)
    assert "已转接给 郑丽。" in response.content.decode()
    response = client_for(team["zheng"]).post(
        reverse("service:chat_close", args=[conversation.pk]), {"summary": ""}, follow=True)
    assert "请填写处理结果/客户反馈后再结束会话。" in response.content.decode()
    client_for(team["zheng"]).post(reverse("service:chat_close", args=[conversation.pk]),
                                   {"summary": "已登记换货"})
    conversation.refresh_from_db()
    assert (conversation.state, conversation.closed_by, conversation.summary) == (
        "closed", team["zheng"], "已登记换货")


def test_cs1_console_query_count_stays_flat(client_for, team, waiting_chat, active_chat,
                                            chat_customer, customer_order,
                                            django_assert_max_num_queries):
    customer = chat_customer()
    conversation = active_chat(agent=team["wu"], customer=customer)

    def fill(n):
        for _ in range(n):
            waiting_chat(customer=chat_customer())
            active_chat(agent=team["wu"], customer=chat_customer())
            customer_order(customer)
            chat.post_customer_message(actor=customer_actor(customer),
                                       conversation=conversation, body="还有一个问题")
            scripts.save_quick_reply(actor=team["wu"], title="常用", body="好的，请稍等")

    client = client_for(team["wu"])
    fill(2)
    _console(client, conversation)
    with django_assert_max_num_queries(30) as few:
        _console(client, conversation)
    fill(8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        _console(client, conversation)


@pytest.mark.parametrize("role", ["designer", "picker"])
def test_cs1_console_needs_the_chat_capability(client_for, staff, role):
    assert client_for(staff[role]).get(reverse("service:chat_console")).status_code == 403


def test_cs2_quick_replies_own_and_shared(client_for, team):
    wu, zheng, zhou = team["wu"], team["zheng"], team["zhou"]
    with pytest.raises(UserError) as exc:
        scripts.save_quick_reply(actor=wu, title="发货", body="48小时内发货", shared=True)
    assert exc.value.message == "没有权限：维护话术库与公共快捷回复 / maintain the script library"
    mine = scripts.save_quick_reply(actor=wu, title="尺码", body="请问您的身高体重？")
    with pytest.raises(UserError) as exc:
        scripts.remove_quick_reply(actor=zheng, reply=mine)
    assert exc.value.message == "这是其他同事的快捷回复。"
    response = client_for(zhou).post(reverse("service:quick_replies"), {
        "title": "发货", "body": "付款后48小时内发货", "shared": "1", "sort_order": "1"},
        follow=True)
    assert "已保存快捷回复。" in response.content.decode()
    page = client_for(zheng).get(reverse("service:quick_replies")).content.decode()
    assert "付款后48小时内发货" in page and "请问您的身高体重？" not in page


def test_cs2_script_library_is_kept_by_the_supervisor(client_for, team):
    url = reverse("service:scripts")
    assert client_for(team["wu"]).get(url).status_code == 403
    client = client_for(team["zhou"])
    client.post(url, {"step": "closing", "title": "结束语", "active": "1",
                      "body": "好的，非常感谢您对五步商城的关注与支持，再见。"})
    script = Script.objects.get()
    assert (script.step, script.updated_by) == ("closing", team["zhou"])
    response = client.post(url, {"pk": script.pk, "step": "closing", "title": "结束语",
                                 "body": "好的，感谢您的支持，再见。"}, follow=True)
    assert "已保存话术。" in response.content.decode()
    script.refresh_from_db()
    assert script.body == "好的，感谢您的支持，再见。" and not script.active  # unticked: 停用
    conversation = chat.take_conversation(actor=team["wu"], conversation=chat.start_conversation(
        actor=chat.VisitorActor(key="k1"), body="在吗", check_hours=False))
    page = _console(client_for(team["wu"]), conversation)
    assert "好的，感谢您的支持，再见。" not in page  # a retired script leaves the console
    assert "话术库还是空的" in page

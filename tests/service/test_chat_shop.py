"""CS-1/CS-8 the customer's side of the chat (/shop/chat/): an anonymous visitor or a
signed-in customer starts a conversation, writes, ends it; nobody else can read or follow
it; a visitor who signs in brings the conversation to their record; off service hours the
widget takes a message for the duty person."""

from django.urls import reverse

from shopops.core.models import Event, Notification
from shopops.service.actions import chat
from shopops.service.models import Conversation, Message
from tests.service.conftest import sign_in


def _start(client, body="你好，这款连衣裙有S码吗？", **extra):
    response = client.post(reverse("shop_chat:start"), {"body": body, **extra})
    assert response.status_code == 200, response.content.decode()
    return Conversation.objects.order_by("-pk").first(), response.content.decode()


def test_cs1_visitor_starts_writes_and_ends_a_conversation(chat_open, shop_client):
    client = shop_client()
    panel = client.get(reverse("shop_chat:panel")).content.decode()
    assert "您好，欢迎来到五步商城，请问有什么需要帮助的吗？" in panel
    assert 'data-testid="chat-start"' in panel
    conversation, panel = _start(client, name="小美")
    assert conversation.state == "waiting" and conversation.visitor_name == "小美"
    assert conversation.customer is None and conversation.visitor_key
    assert "正在为您接通客服，请稍候…" in panel
    assert reverse("shop_chat:stream", args=[conversation.pk]) in panel
    first = conversation.messages.get()
    response = client.post(reverse("shop_chat:send", args=[conversation.pk]),
                           {"body": "我身高160", "after": first.pk})
    assert response.status_code == 200
    assert "我身高160" in response.content.decode()
    assert "你好，这款连衣裙有S码吗？" not in response.content.decode()  # only what is new
    # The panel opened again on another page shows the same conversation.
    assert "我身高160" in client.get(reverse("shop_chat:panel")).content.decode()
    panel = client.post(reverse("shop_chat:end", args=[conversation.pk])).content.decode()
    assert "本次会话已结束，感谢您的咨询。" in panel and "重新咨询" in panel
    conversation.refresh_from_db()
    assert conversation.state == "closed" and conversation.closed_at is not None


def test_cs1_message_to_ended_conversation_refused_on_the_customer_side(chat_open, shop_client,
                                                                        team):
    client = shop_client()
    conversation, _ = _start(client)
    chat.take_conversation(actor=team["wu"], conversation=conversation)
    chat.close_conversation(actor=team["wu"], conversation=conversation, summary="已解答")
    count = Message.objects.filter(conversation=conversation).count()
    response = client.post(reverse("shop_chat:send", args=[conversation.pk]),
                           {"body": "还有一个问题"})
    assert response.status_code == 409
    assert response.json()["message"] == "该会话已结束，消息未发送。"
    assert Message.objects.filter(conversation=conversation).count() == count


def test_cs1_another_visitor_cannot_read_write_or_follow_the_conversation(chat_open,
                                                                            shop_client):
    owner, stranger = shop_client(), shop_client()
    conversation, _ = _start(owner)
    for name, method in (("shop_chat:messages", "get"), ("shop_chat:stream", "get"),
                         ("shop_chat:send", "post"), ("shop_chat:end", "post")):
        response = getattr(stranger, method)(reverse(name, args=[conversation.pk]),
                                             *([{"body": "偷看"}] if method == "post" else []))
        assert response.status_code == 403, name
        assert response.json()["message"] == "这不是您的会话。"
    assert "你好" not in stranger.get(reverse("shop_chat:panel")).content.decode()
    assert conversation.messages.count() == 1
    conversation.refresh_from_db()
    assert conversation.state == "waiting"
    assert stranger.get(reverse("shop_chat:stream", args=[987654321])).status_code == 404


def test_cs1_own_stream_is_an_event_stream(chat_open, shop_client):
    client = shop_client()
    conversation, _ = _start(client)
    response = client.get(reverse("shop_chat:stream", args=[conversation.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/event-stream")
    # Not read: the stream subscribes only when read (see tests/core/test_realtime.py).


def test_cs1_staff_stream_of_a_conversation_needs_the_chat_capability(client_for, staff,
                                                                       waiting_chat):
    conversation = waiting_chat()
    url = f"/live/?topics=chat,chat.{conversation.pk}"
    refused = client_for(staff["designer"]).get(url)
    assert refused.status_code == 403 and refused.json()["code"] == "topic_forbidden"
    allowed = client_for(staff["presale_cs"]).get(url)
    assert allowed.status_code == 200
    assert allowed["Content-Type"].startswith("text/event-stream")
    assert client_for(staff["presale_cs"]).get("/live/?topics=chat.").status_code == 403


def test_cs1_visitor_signing_in_brings_the_conversation_to_their_record(
        chat_open, shop_client, chat_customer):
    customer = chat_customer(name="林小美")
    client = shop_client()
    conversation, _ = _start(client)
    assert conversation.customer is None
    sign_in(client, customer)
    panel = client.get(reverse("shop_chat:panel")).content.decode()
    conversation.refresh_from_db()
    assert conversation.customer == customer
    assert "你好，这款连衣裙有S码吗？" in panel  # still their conversation
    event = Event.objects.get(verb="chat.customer_joined")
    assert event.summary == f"访客登录，会话归入客户 {customer.number}"
    response = client.post(reverse("shop_chat:send", args=[conversation.pk]), {"body": "我登录了"})
    assert response.status_code == 200
    assert conversation.messages.last().sender == "customer"
    # The same browser signed out is an anonymous visitor again: no longer theirs to read.
    session = client.session
    session.pop("shopops_shop_account")
    session.save()
    assert client.get(reverse("shop_chat:messages", args=[conversation.pk])).status_code == 403


def test_cs1_signed_in_customer_starts_from_an_order_page(chat_open, shop_client,
                                                          chat_customer, customer_order):
    customer = chat_customer()
    order = customer_order(customer, state="delivered")
    client = shop_client(customer)
    page = reverse("storefront:my_order", args=[order.pk])  # the shop's order page
    conversation, _ = _start(client, body="收到的裙子有线头", page=page)
    assert (conversation.customer, conversation.order, conversation.stage) == (
        customer, order, "aftersale")


def test_cs8_off_hours_message_reaches_the_duty_person(chat_closed, set_setting, shop_client,
                                                       make_user):
    duty = make_user(roles=["aftersale_cs"], username="night_duty", display_name="郑丽")
    set_setting("service.offhours_duty_username", "night_duty")
    client = shop_client()
    panel = client.get(reverse("shop_chat:panel")).content.decode()
    assert "现在是非服务时间（在线客服服务时间" in panel and "提交留言" in panel
    refused = client.post(reverse("shop_chat:start"), {"body": "在吗"})
    assert refused.status_code == 400
    assert refused.json()["message"].startswith("现在不是在线客服服务时间")
    response = client.post(reverse("shop_chat:leave"), {"body": "订单还没发货", "name": "陈先生"})
    assert response.status_code == 400
    assert response.json()["message"] == "请留下您的手机号或其他联系方式，方便我们回复您。"
    assert not Conversation.objects.exists()
    response = client.post(reverse("shop_chat:leave"), {
        "body": "订单还没发货，请尽快联系我", "name": "陈先生", "contact": "13912345678"})
    assert "您的留言已收到" in response.content.decode()
    conversation = Conversation.objects.get()
    assert conversation.left_message and conversation.state == "waiting"
    assert conversation.contact == "13912345678"
    note = Notification.objects.get(recipient=duty)
    assert note.title == "客户留言：陈**"  # masked: the inbox is a staff page and note.body == "订单还没发货，请尽快联系我"
    assert note.link == reverse("service:chat_conversation", args=[conversation.pk])


def test_cs8_off_hours_message_goes_to_the_duty_rota_then_the_supervisor(
        chat_closed, visitor, team, make_user):
    from django.utils import timezone

    from shopops.staff.models import DutyAssignment

    chat.leave_message(actor=visitor(), body="明天还有货吗", contact="13700000000")
    assert Notification.objects.filter(recipient=team["zhou"]).count() == 1  # no rota: 周敏
    DutyAssignment.objects.create(day=timezone.localdate(), kind="duty", person=team["zheng"])
    DutyAssignment.objects.create(day=timezone.localdate(), kind="duty",
                                  person=make_user(roles=["picker"]))  # not a chat agent
    chat.leave_message(actor=visitor(), body="能开发票吗", contact="13700000001")
    assert list(Notification.objects.filter(body="能开发票吗")
                .values_list("recipient__display_name", flat=True)) == ["郑丽"]


def test_cs8_answer_to_an_off_hours_message_reaches_the_visitor(chat_closed, set_setting,
                                                                shop_client, team):
    client = shop_client()
    client.post(reverse("shop_chat:leave"), {"body": "羽绒服什么时候补货？",
                                             "contact": "13912345678"})
    conversation = Conversation.objects.get()
    panel = client.get(reverse("shop_chat:panel")).content.decode()
    assert "您的留言已收到" in panel and 'data-testid="chat-input"' not in panel
    set_setting("service.chat_opens", "00:00")  # the next morning
    set_setting("service.chat_closes", "00:00")
    chat.take_conversation(actor=team["zheng"], conversation=conversation)
    chat.post_agent_message(actor=team["zheng"], conversation=conversation,
                            body="您好，羽绒服下周一补货，到货后第一时间通知您。")
    panel = client.get(reverse("shop_chat:panel")).content.decode()
    assert "羽绒服下周一补货" in panel and 'data-testid="chat-input"' in panel
    response = client.post(reverse("shop_chat:send", args=[conversation.pk]), {"body": "好的谢谢"})
    assert response.status_code == 200

"""CS-1 live chat: a conversation waits, an agent takes it (one wins a race), messages pass
both ways with the right sender and agent, the conversation ends; nothing is written to an
ended conversation; transfers; stage and order; what the quality inspection relies on."""

import threading

import pytest
from django.db import connection

from shopops.core.actors import customer_actor
from shopops.core.errors import UserError
from shopops.core.models import Event, Notification
from shopops.service.actions import chat
from shopops.service.models import Conversation, Message


def test_cs1_visitor_question_waits_in_queue(waiting_chat):
    conversation = waiting_chat(body="你好，这款连衣裙有S码吗？")
    conversation.refresh_from_db()
    assert conversation.state == "waiting"
    assert conversation.source == "shop" and conversation.stage == "presale"
    assert conversation.number.startswith("HH")
    assert conversation.last_sender == "customer" and conversation.last_message_at is not None
    assert conversation.agent is None and conversation.first_response_at is None
    [message] = conversation.messages.all()
    assert (message.sender, message.agent, message.body) == (
        "customer", None, "你好，这款连衣裙有S码吗？")
    assert Event.objects.filter(verb="chat.opened", object_id=str(conversation.pk)).exists()


def test_cs1_second_question_continues_the_open_conversation(chat_open, visitor):
    someone = visitor()
    first = chat.start_conversation(actor=someone, body="在吗")
    again = chat.start_conversation(actor=someone, body="想问一下尺码")
    assert again.pk == first.pk
    assert list(first.messages.values_list("body", flat=True)) == ["在吗", "想问一下尺码"]


def test_cs1_agent_takes_and_answers_with_sender_agent_and_first_response(waiting_chat, team):
    agent = team["wu"]
    conversation = waiting_chat()
    chat.take_conversation(actor=agent, conversation=conversation)
    first = chat.post_agent_message(actor=agent, conversation=conversation,
                                    body="您好，欢迎来到五步商城，请问有什么需要帮助的吗？")
    chat.post_agent_message(actor=agent, conversation=conversation, body="S码有货的。")
    conversation.refresh_from_db()
    assert conversation.state == "active" and conversation.agent == agent
    assert conversation.first_response_at == first.at  # the first answer, not the last
    assert conversation.last_sender == "agent"
    rows = list(conversation.messages.values_list("sender", "agent__username", "body"))
    assert rows[0] == ("customer", None, "你好，这款连衣裙有S码吗？")
    assert rows[1] == ("system", "wuqian", "客服 吴倩 已接入，为您服务。")
    assert rows[2:] == [("agent", "wuqian", "您好，欢迎来到五步商城，请问有什么需要帮助的吗？"),
                        ("agent", "wuqian", "S码有货的。")]


def test_cs1_agent_cannot_answer_before_taking_or_someone_elses(waiting_chat, team):
    conversation = waiting_chat()
    with pytest.raises(UserError) as exc:
        chat.post_agent_message(actor=team["wu"], conversation=conversation, body="您好")
    assert exc.value.message == "请先接入该会话再回复。"
    chat.take_conversation(actor=team["wu"], conversation=conversation)
    with pytest.raises(UserError) as exc:
        chat.post_agent_message(actor=team["zheng"], conversation=conversation,
                                body="您好")
    assert exc.value.message == "该会话由 吴倩 接待，您不能回复。"
    assert not conversation.messages.filter(sender="agent").exists()


def test_cs1_taking_a_taken_conversation_says_who_has_it(waiting_chat, team):
    conversation = waiting_chat()
    stale = Conversation.objects.get(pk=conversation.pk)
    chat.take_conversation(actor=team["wu"], conversation=conversation)
    with pytest.raises(UserError) as exc:
        chat.take_conversation(actor=team["zheng"], conversation=stale)
    assert exc.value.code == "chat_already_taken"
    assert exc.value.message == "该会话已被 吴倩 接入。"
    stale.refresh_from_db()
    assert stale.agent == team["wu"]


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_cs1_two_agents_take_the_same_conversation_at_once_one_wins(make_user, set_setting,
                                                                      visitor):
    """Real threads, each with its own connection, on PostgreSQL: eight agents press 接入
    on the same waiting conversation; exactly one gets it, the others are told who."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: real row locks across connections")
    set_setting("service.chat_opens", "00:00")
    set_setting("service.chat_closes", "00:00")
    agents = [make_user(roles=["presale_cs"], username=f"agent{i}") for i in range(8)]
    conversation = chat.start_conversation(actor=visitor(), body="在吗？")
    gate = threading.Barrier(len(agents))
    outcomes = [None] * len(agents)

    def take(i):
        try:
            stale = Conversation.objects.get(pk=conversation.pk)  # everyone saw it waiting
            gate.wait(30)
            chat.take_conversation(actor=agents[i], conversation=stale)
            outcomes[i] = "won"
        except UserError as exc:
            outcomes[i] = exc.message
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(i,)) for i in range(len(agents))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    conversation.refresh_from_db()
    winner = agents[outcomes.index("won")]
    assert outcomes.count("won") == 1
    assert conversation.agent == winner and conversation.state == "active"
    assert sorted(set(outcomes) - {"won"}) == [f"该会话已被 {winner.display_name} 接入。"]
    assert Event.objects.filter(verb="chat.taken", object_id=str(conversation.pk)).count() == 1
    assert conversation.messages.filter(sender="system").count() == 1


def test_cs1_message_to_closed_conversation_refused_and_nothing_stored(active_chat, team):
    agent = team["wu"]
    conversation = active_chat(agent=agent)
    chat.close_conversation(actor=agent, conversation=conversation,
                            summary="已告知S码有货，客户稍后下单")
    before = Message.objects.filter(conversation=conversation).count()
    stale = Conversation.objects.get(pk=conversation.pk)
    last_at = stale.last_message_at
    stale.state = "active"  # a page opened before it ended
    with pytest.raises(UserError) as exc:
        chat.post_agent_message(actor=agent, conversation=stale, body="还在吗？")
    assert exc.value.message == "该会话已结束，消息未发送。"
    owner = chat.VisitorActor(key=conversation.visitor_key)
    with pytest.raises(UserError) as exc:
        chat.post_customer_message(actor=owner, conversation=stale, body="我还有问题")
    assert exc.value.code == "conversation_closed"
    assert Message.objects.filter(conversation=conversation).count() == before
    conversation.refresh_from_db()
    assert conversation.last_message_at == last_at


def test_cs1_close_records_who_when_and_result(active_chat, team):
    agent = team["wu"]
    conversation = active_chat(agent=agent)
    with pytest.raises(UserError) as exc:
        chat.close_conversation(actor=agent, conversation=conversation, summary=" ")
    assert exc.value.message == "请填写处理结果/客户反馈后再结束会话。"
    chat.close_conversation(actor=agent, conversation=conversation, summary="客户已下单")
    conversation.refresh_from_db()
    assert conversation.state == "closed" and conversation.closed_by == agent
    assert conversation.closed_at is not None and conversation.summary == "客户已下单"
    assert conversation.messages.last().body == "客服已结束本次会话，感谢您的咨询。"


def test_cs1_customer_ends_conversation(waiting_chat, chat_customer):
    customer = chat_customer()
    conversation = waiting_chat(customer=customer)
    chat.close_conversation(actor=customer_actor(customer), conversation=conversation)
    conversation.refresh_from_db()
    assert conversation.state == "closed" and conversation.closed_by is None
    assert conversation.closed_at is not None
    event = Event.objects.get(verb="chat.closed", object_id=str(conversation.pk))
    assert event.data["by_customer"] is True and event.summary == f"顾客 结束会话 {conversation.number}"
    other = chat_customer(name="王芳")
    with pytest.raises(UserError):
        chat.close_conversation(actor=customer_actor(other), conversation=conversation)


def test_cs1_transfer_to_colleague_with_note(active_chat, team):
    agent, colleague = team["wu"], team["zheng"]
    conversation = active_chat(agent=agent)
    chat.transfer_conversation(actor=agent, conversation=conversation, to_agent=colleague,
                               note="客户要退换货，请售后跟进")
    conversation.refresh_from_db()
    assert conversation.agent == colleague and conversation.state == "active"
    line = conversation.messages.last()
    assert (line.sender, line.body) == ("system", "已为您转接客服 郑丽，请稍候。")
    note = Notification.objects.get(recipient=colleague)
    assert note.title == f"会话转接给您：{conversation.number}"
    assert note.body == "吴倩 转接：客户要退换货，请售后跟进"
    assert note.link == f"/service/chat/{conversation.pk}/"
    event = Event.objects.get(verb="chat.transferred")
    assert event.changes == {"agent": [agent.pk, colleague.pk]}
    # The old agent no longer answers; the new one does.
    with pytest.raises(UserError):
        chat.post_agent_message(actor=agent, conversation=conversation, body="您好")
    message = chat.post_agent_message(actor=colleague, conversation=conversation,
                                      body="您好，我是售后客服，请问是哪个订单？")
    assert message.agent == colleague


def test_cs1_transfer_needs_the_conversation_or_the_supervisor(active_chat, team, staff):
    conversation = active_chat(agent=team["wu"])
    with pytest.raises(UserError) as exc:
        chat.transfer_conversation(actor=team["zheng"], conversation=conversation,
                                   to_agent=team["zheng"])
    assert exc.value.code == "chat_not_yours"
    with pytest.raises(UserError) as exc:
        chat.transfer_conversation(actor=team["wu"], conversation=conversation,
                                   to_agent=staff["picker"])
    assert exc.value.message == "请选择一位在线客服同事或客服主管。"
    chat.transfer_conversation(actor=team["zhou"], conversation=conversation,
                               to_agent=team["zhou"], note="我来处理")
    conversation.refresh_from_db()
    assert conversation.agent == team["zhou"]


def test_cs1_supervisor_assigns_a_waiting_conversation(waiting_chat, team):
    conversation = waiting_chat()
    with pytest.raises(UserError):
        chat.transfer_conversation(actor=team["wu"], conversation=conversation,
                                   to_agent=team["zheng"])
    chat.transfer_conversation(actor=team["zhou"], conversation=conversation,
                               to_agent=team["zheng"])
    conversation.refresh_from_db()
    assert (conversation.state, conversation.agent) == ("active", team["zheng"])


def test_cs1_stage_follows_the_order_page_and_the_agent(chat_open, chat_customer,
                                                        customer_order, team):
    customer = chat_customer()
    shipped = customer_order(customer, state="shipped")
    conversation = chat.start_conversation(actor=customer_actor(customer), body="快递到哪了？",
                                           order=shipped)
    assert (conversation.stage, conversation.order) == ("aftersale", shipped)
    chat.close_conversation(actor=customer_actor(customer), conversation=conversation)
    paid = customer_order(customer, state="paid")
    conversation = chat.start_conversation(actor=customer_actor(customer), body="能改地址吗？",
                                           order=paid)
    assert (conversation.stage, conversation.order) == ("insale", paid)
    chat.close_conversation(actor=customer_actor(customer), conversation=conversation)
    # Somebody else's order on the page is not taken.
    other = customer_order(chat_customer(name="王芳"), state="paid")
    conversation = chat.start_conversation(actor=customer_actor(customer), body="在吗",
                                           order=other)
    assert (conversation.stage, conversation.order) == ("presale", None)
    chat.take_conversation(actor=team["wu"], conversation=conversation)
    chat.set_stage(actor=team["wu"], conversation=conversation, stage="aftersale")
    conversation.refresh_from_db()
    assert conversation.stage == "aftersale"
    assert Event.objects.get(verb="chat.stage_changed").changes == {
        "stage": ["presale", "aftersale"]}


def test_cs1_agent_links_the_order_and_learns_the_customer(waiting_chat, chat_customer,
                                                            customer_order, team):
    customer = chat_customer()
    order = customer_order(customer, state="paid")
    conversation = waiting_chat()  # an anonymous visitor
    chat.take_conversation(actor=team["wu"], conversation=conversation)
    chat.link_order(actor=team["wu"], conversation=conversation, order=order)
    conversation.refresh_from_db()
    assert (conversation.order, conversation.customer) == (order, customer)
    other = customer_order(chat_customer(name="王芳"), state="paid")
    with pytest.raises(UserError) as exc:
        chat.link_order(actor=team["wu"], conversation=conversation, order=other)
    assert exc.value.message == f"订单 {other.number} 不是该客户的订单。"


def test_cs1_messages_announced_on_the_conversation_topic_after_commit(
        waiting_chat, team, settings, django_capture_on_commit_callbacks):
    from shopops.core import realtime

    settings.SHOPOPS_REDIS_URL = ""
    realtime.reset_broker()
    try:
        conversation = waiting_chat()
        with realtime.subscribe([chat.topic(conversation)]) as pane, \
                realtime.subscribe(["chat"]) as queue:
            with django_capture_on_commit_callbacks(execute=False) as callbacks:
                message = chat.post_customer_message(
                    actor=chat.VisitorActor(key=conversation.visitor_key),
                    conversation=conversation, body="有人吗？")
            assert pane.get(timeout=0.05) is None  # nothing before commit
            for callback in callbacks:
                callback()
            assert pane.get(timeout=1) == {"topic": f"chat.{conversation.pk}",
                                           "verb": "chat.message", "id": str(conversation.pk),
                                           "message": message.pk}
            assert queue.get(timeout=1)["verb"] == "chat.message"
    finally:
        realtime.reset_broker()

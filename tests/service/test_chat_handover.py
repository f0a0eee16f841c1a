"""CS-8 shift handover: the open conversations pass to the next shift's colleague with the
proposed solution; the colleague accepts and the conversations are theirs."""

import pytest
from django.urls import reverse

from shopops.core.errors import UserError
from shopops.core.models import Event, Notification
from shopops.service.actions import chat
from shopops.service.actions.handover import accept_handover, hand_over
from shopops.service.models import ShiftHandover


def test_cs8_handover_passes_open_conversations_with_the_proposed_solution(
        team, active_chat, chat_customer):
    wu, zheng = team["wu"], team["zheng"]
    exchange = active_chat(agent=wu, customer=chat_customer(name="林小美"), body="想换大一码")
    late = active_chat(agent=wu, body="明天能到吗")
    handover = hand_over(actor=wu, to_agent=zheng, note="晚班交接", items=[
        {"conversation": exchange, "proposed_solution": "已登记换货，等仓库回复后告知发货时间",
         "note": "客户很着急"},
        {"conversation": late, "proposed_solution": "查询物流后回复客户"}])
    # Until accepted the conversations stay with 吴倩.
    exchange.refresh_from_db()
    assert exchange.agent == wu
    assert Notification.objects.get(recipient=zheng).title == "吴倩 向您交班：2 个未结束会话"
    assert Event.objects.filter(verb="chat.handed_over").count() == 2

    result = accept_handover(actor=zheng, handover=handover)
    assert [c.pk for c in result["moved"]] == [exchange.pk, late.pk] and not result["skipped"]
    for conversation in (exchange, late):
        conversation.refresh_from_db()
        assert conversation.agent == zheng and conversation.state == "active"
        assert conversation.messages.last().body == "客服 郑丽 接班，继续为您服务。"
    handover.refresh_from_db()
    assert handover.accepted_at is not None
    accepted = Event.objects.get(verb="chat.handover_accepted", object_id=str(exchange.pk))
    assert accepted.summary == "郑丽 接班，建议处理方案：已登记换货，等仓库回复后告知发货时间"
    assert Notification.objects.get(recipient=wu).title == "郑丽 已确认接班"
    # 郑丽 now answers; 吴倩 no longer can.
    chat.post_agent_message(actor=zheng, conversation=exchange, body="您好，我是郑丽，换货已登记。")
    with pytest.raises(UserError):
        chat.post_agent_message(actor=wu, conversation=exchange, body="您好")


def test_cs8_handover_refusals(team, active_chat, waiting_chat, staff):
    wu, zheng = team["wu"], team["zheng"]
    mine = active_chat(agent=wu)
    theirs = active_chat(agent=zheng)
    with pytest.raises(UserError) as exc:
        hand_over(actor=wu, to_agent=zheng, items=[
            {"conversation": mine, "proposed_solution": " "}])
    assert exc.value.message == f"请填写会话 {mine.number} 的建议处理方案。"
    with pytest.raises(UserError) as exc:
        hand_over(actor=wu, to_agent=zheng, items=[
            {"conversation": theirs, "proposed_solution": "跟进"}])
    assert exc.value.message == f"会话 {theirs.number} 不是您正在接待的会话，不能交接。"
    with pytest.raises(UserError) as exc:
        hand_over(actor=wu, to_agent=staff["picker"], items=[
            {"conversation": mine, "proposed_solution": "跟进"}])
    assert exc.value.message == "请选择接班的客服同事。"
    handover = hand_over(actor=wu, to_agent=zheng, items=[
        {"conversation": mine, "proposed_solution": "跟进"}])
    with pytest.raises(UserError) as exc:
        hand_over(actor=wu, to_agent=team["zhou"], items=[
            {"conversation": mine, "proposed_solution": "跟进"}])
    assert exc.value.code == "handover_pending"
    with pytest.raises(UserError) as exc:
        accept_handover(actor=team["zhou"], handover=handover)
    assert exc.value.message == "这份交接是交给 郑丽 的。"
    accept_handover(actor=zheng, handover=handover)
    with pytest.raises(UserError) as exc:
        accept_handover(actor=zheng, handover=ShiftHandover.objects.get(pk=handover.pk))
    assert exc.value.message == "这份交接已经确认过了。"


def test_cs8_conversation_closed_before_acceptance_is_skipped(team, active_chat):
    wu, zheng = team["wu"], team["zheng"]
    conversation = active_chat(agent=wu)
    handover = hand_over(actor=wu, to_agent=zheng, items=[
        {"conversation": conversation, "proposed_solution": "等客户回复"}])
    chat.close_conversation(actor=chat.VisitorActor(key=conversation.visitor_key),
                            conversation=conversation)
    result = accept_handover(actor=zheng, handover=handover)
    assert result["moved"] == [] and [c.pk for c in result["skipped"]] == [conversation.pk]
    conversation.refresh_from_db()
    assert conversation.agent == wu and conversation.state == "closed"


def test_cs8_handover_pages(client_for, team, active_chat, chat_customer, make_user):
    wu, zheng = team["wu"], team["zheng"]
    conversation = active_chat(agent=wu, customer=chat_customer(name="林小美"))
    page = client_for(wu).get(reverse("service:handover_new")).content.decode()
    assert conversation.number in page and "林*" in page
    response = client_for(wu).post(reverse("service:handover_new"), {
        "to_agent": zheng.pk, "conversation": [conversation.pk],
        f"solution_{conversation.pk}": "明早联系仓库确认发货", "note": "交班"}, follow=True)
    body = response.content.decode()
    assert "已交班，等待 郑丽 确认接班。" in body and "明早联系仓库确认发货" in body
    handover = ShiftHandover.objects.get()
    listing = client_for(zheng).get(reverse("service:handover_list")).content.decode()
    assert 'data-testid="handover-waiting"' in listing
    response = client_for(zheng).post(reverse("service:handover_accept", args=[handover.pk]),
                                      follow=True)
    assert "已确认接班：接手 1 个会话。" in response.content.decode()
    # The supervisor sees every handover; a colleague outside it does not.
    url = reverse("service:handover_detail", args=[handover.pk])
    assert client_for(team["zhou"]).get(url).status_code == 200
    assert client_for(make_user(roles=["presale_cs"])).get(url).status_code == 404

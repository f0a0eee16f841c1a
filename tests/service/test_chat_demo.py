"""The chat demo a newcomer sees: the script library in the seeds' wording, conversations
waiting, in progress and ended, a logged phone call, a handover waiting for 郑丽."""

from django.test import Client

from shopops.ops.demo import load_demo
from shopops.service.models import Conversation, QuickReply, Script, ShiftHandover


def test_cs2_demo_chat(db, settings, tmp_path):
    settings.BACKUP_DIR = tmp_path / "backups"
    load_demo()
    assert Script.objects.get(title="开始语").body == "您好，欢迎来到五步商城，请问有什么需要帮助的吗？"
    assert Script.objects.get(title="结束语").body == "好的，非常感谢您对五步商城的关注与支持，再见。"
    assert set(Script.objects.values_list("step", flat=True)) == set(Script.Step.values)
    assert QuickReply.objects.filter(owner__isnull=True).count() == 3
    states = {(c.source, c.state, c.left_message) for c in Conversation.objects.all()}
    assert {("shop", "waiting", False), ("shop", "waiting", True), ("shop", "active", False),
            ("shop", "closed", False), ("phone", "closed", False)} <= states
    pending = ShiftHandover.objects.get()
    assert (pending.from_agent.username, pending.to_agent.username, pending.accepted_at) == (
        "presale_cs", "aftersale_cs", None)
    client = Client()
    client.login(username="presale_cs", password="Demo@2026")
    page = client.get("/service/chat/").content.decode()
    assert "羽绒服有满减活动吗" in page  # the waiting visitor
    client.login(username="aftersale_cs", password="Demo@2026")
    complaint = Conversation.objects.get(agent__username="aftersale_cs", state="active")
    page = client.get(f"/service/chat/{complaint.pk}/").content.decode()
    assert "已为您转接客服 郑丽，请稍候。" in page and "陈*" in page

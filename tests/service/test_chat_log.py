"""CS-1 conversations from elsewhere: a phone call or a platform chat logged by hand, and
platform chat exports imported — preview with every bad row, all or nothing, never
doubling a conversation; the conversation list with its filters."""

import io
from datetime import timedelta

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from shopops.core.errors import UserError
from shopops.service.actions import chat, chat_log
from shopops.service.importing_chat import SAMPLE_HEADER
from shopops.service.models import Conversation, ConversationImport, Customer, Message

GOOD = [
    ["WW1001", "2026-12-01 10:02:11", "客户", "在吗？这款连衣裙有S码吗", "tb_xiaomei88", "林小美",
     "", "", "售前", "", ""],
    ["WW1001", "2026-12-01 10:02:40", "客服", "您好，欢迎来到五步商城，请问有什么需要帮助的吗？",
     "tb_xiaomei88", "", "", "wuqian", "", "", ""],
    ["WW1001", "2026-12-01 10:03:05", "客服", "S码有货的，您平时穿多大码呢？", "tb_xiaomei88", "",
     "", "吴倩", "", "", "已推荐S码"],
    ["WW1002", "2026-12-01 11:20:00", "买家", "我的快递怎么还没到", "jd_chen", "陈静", "13800138000",
     "", "售后", "", ""],
    ["WW1002", "2026-12-01 11:21:30", "卖家", "您好，请您稍等，我帮您查询物流", "jd_chen", "", "",
     "zhengli", "", "", "已催快递"],
]


def _csv(rows, encoding="gb18030"):
    lines = [",".join(SAMPLE_HEADER)] + [",".join(r) for r in rows]
    return SimpleUploadedFile("旺旺聊天记录.csv", ("\n".join(lines) + "\n").encode(encoding))


def _xlsx(rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(SAMPLE_HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("咚咚聊天记录.xlsx", buffer.getvalue())


def test_cs1_import_platform_chats_in_gb18030(team):
    job = chat_log.start_import(actor=team["zhou"], source="taobao", upload=_csv(GOOD))
    assert job.counts == {"ready": 2, "duplicate": 0, "error": 0, "bad_rows": 0}
    assert not Conversation.objects.exists()  # a preview writes nothing
    chat_log.apply_import(actor=team["zhou"], job=job)
    first = Conversation.objects.get(external_id="WW1001")
    assert (first.source, first.state, first.stage, first.agent) == (
        "taobao", "closed", "presale", team["wu"])
    assert first.customer.nick == "tb_xiaomei88" and first.customer.name == "林小美"
    assert first.summary == "已推荐S码" and first.logged_by == team["zhou"]
    local = timezone.localtime(first.started_at)
    assert local.strftime("%Y-%m-%d %H:%M:%S") == "2026-12-01 10:02:11"
    assert timezone.localtime(first.first_response_at).strftime("%H:%M:%S") == "10:02:40"
    assert first.closed_at == first.last_message_at
    assert list(first.messages.values_list("sender", "agent__username")) == [
        ("customer", None), ("agent", "wuqian"), ("agent", "wuqian")]
    second = Conversation.objects.get(external_id="WW1002")
    assert (second.stage, second.agent, second.customer.phone) == (
        "aftersale", team["zheng"], "13800138000")
    job.refresh_from_db()
    assert job.state == "applied" and job.counts["imported"] == 2


def test_cs1_import_with_bad_rows_imports_nothing_and_lists_every_row(team):
    bad = GOOD + [
        ["WW1003", "昨天下午", "客户", "在吗", "tb_a", "", "", "", "", "", ""],
        ["WW1004", "2026-12-01 12:00:00", "路人", "在吗", "tb_b", "", "", "", "", "", ""],
        ["WW1005", "2026-12-01 12:00:00", "客服", "您好", "tb_c", "", "", "nobody", "", "", ""],
        ["WW1006", "2026-12-01 12:00:00", "客户", "", "tb_d", "", "", "", "售中", "DD404", ""],
    ]
    job = chat_log.start_import(actor=team["zhou"], source="jd", upload=_csv(bad, "utf-8"))
    assert job.counts["bad_rows"] == 4 and job.counts["ready"] == 2
    assert [(p["row"], p["message"]) for p in job.problems] == [
        (7, "时间格式不正确：昨天下午"),
        (8, "发送方应为“客户”或“客服”：路人"),
        (9, "找不到客服账号：nobody"),
        (10, "内容为空"),
    ]
    with pytest.raises(UserError) as exc:
        chat_log.apply_import(actor=team["zhou"], job=job)
    assert exc.value.message == "文件有 4 行错误，整批未导入。请修改文件后重新上传。"
    assert not Conversation.objects.exists() and not Customer.objects.exists()
    job.refresh_from_db()
    assert job.state == "preview"


def test_cs1_import_never_doubles_a_conversation(team):
    first = chat_log.start_import(actor=team["zhou"], source="taobao", upload=_xlsx(GOOD[:3]))
    chat_log.apply_import(actor=team["zhou"], job=first)
    again = chat_log.start_import(actor=team["zhou"], source="taobao", upload=_xlsx(GOOD))
    assert again.counts == {"ready": 1, "duplicate": 1, "error": 0, "bad_rows": 0}
    assert again.problems == [{"row": 2, "external_id": "WW1001", "duplicate": True,
                               "message": "该会话已导入过，跳过（不会重复导入）",
                               "message_en": "Imported before: skipped"}]
    chat_log.apply_import(actor=team["zhou"], job=again)
    assert Conversation.objects.filter(external_id="WW1001").count() == 1
    assert Conversation.objects.count() == 2
    assert Customer.objects.filter(nick="tb_xiaomei88").count() == 1  # found, not doubled
    with pytest.raises(UserError) as exc:
        chat_log.apply_import(actor=team["zhou"], job=ConversationImport.objects.get(pk=again.pk))
    assert exc.value.message == "该文件已导入过，不能重复导入。"


def test_cs1_import_racing_another_import_imports_nothing(team):
    """Two previews of the same file: the second one applied finds the conversation taken
    (the unique platform id) and imports nothing at all."""
    one = chat_log.start_import(actor=team["zhou"], source="taobao", upload=_csv(GOOD))
    two = chat_log.start_import(actor=team["wu"], source="taobao", upload=_csv(GOOD[3:]))
    chat_log.apply_import(actor=team["wu"], job=two)
    with pytest.raises(UserError) as exc:
        chat_log.apply_import(actor=team["zhou"], job=one)
    assert exc.value.code == "chat_import_duplicate"
    assert Conversation.objects.count() == 1
    one.refresh_from_db()
    assert one.state == "preview"


def test_cs1_import_file_without_the_columns_says_what_is_needed(team):
    upload = SimpleUploadedFile("x.csv", "时间,内容\n2026-12-01 10:00,在吗\n".encode())
    with pytest.raises(UserError) as exc:
        chat_log.start_import(actor=team["zhou"], source="taobao", upload=upload)
    assert exc.value.message.startswith("文件缺少必需的列：会话编号、发送方。表头应为：会话编号，时间")


def test_cs1_import_pages(client_for, team):
    client = client_for(team["zhou"])
    page = client.get(reverse("service:conversation_import")).content.decode()
    assert "，".join(SAMPLE_HEADER) in page
    sample = client.get(reverse("service:conversation_import_sample"))
    assert sample.content.decode("utf-8-sig").splitlines()[0] == ",".join(SAMPLE_HEADER)
    response = client.post(reverse("service:conversation_import_upload"),
                           {"source": "taobao", "file": _csv(GOOD)}, follow=True)
    assert "确认导入 2 个会话" in response.content.decode()
    job = ConversationImport.objects.get()
    response = client.post(reverse("service:conversation_import_apply", args=[job.pk]),
                           follow=True)
    assert "已导入 2 个会话。" in response.content.decode()


def test_cs1_phone_call_logged_by_hand(team, chat_customer, customer_order):
    customer = chat_customer(name="陈静", phone="13800138000")
    order = customer_order(customer, state="shipped")
    at = timezone.localtime() - timedelta(hours=1)
    conversation = chat_log.log_conversation(
        actor=team["zheng"], source="phone", started_at=at, customer_phone="13800138000",
        stage="aftersale", order=order,
        lines="客户：你好，我的快递三天没动了\n客服：您好，请您稍等，我帮您查询一下\n"
              "查到了，在杭州中转\n客户：好的谢谢", summary="已催快递，明天回访")
    assert conversation.customer == customer  # found by the mobile number
    assert (conversation.source, conversation.state, conversation.agent,
            conversation.logged_by, conversation.order) == (
        "phone", "closed", team["zheng"], team["zheng"], order)
    assert list(conversation.messages.values_list("sender", "body")) == [
        ("customer", "你好，我的快递三天没动了"),
        ("agent", "您好，请您稍等，我帮您查询一下\n查到了，在杭州中转"),
        ("customer", "好的谢谢")]
    assert Message.objects.filter(conversation=conversation, sender="agent",
                                  agent=team["zheng"]).count() == 1
    with pytest.raises(UserError) as exc:
        chat_log.log_conversation(actor=team["zheng"], source="phone", started_at=at,
                                  customer=customer, lines="在吗")
    assert exc.value.message == "每条消息请以“客户：”或“客服：”开头：在吗"


def test_cs1_log_page_creates_a_customer_for_a_new_caller(client_for, team):
    response = client_for(team["wu"]).post(reverse("service:conversation_log"), {
        "source": "phone", "started_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "stage": "presale", "agent": team["wu"].pk, "customer_name": "赵先生",
        "customer_phone": "13611112222", "lines": "", "summary": "咨询团购价格，已发报价"},
        follow=True)
    conversation = Conversation.objects.get()
    assert f"已录入会话 {conversation.number}。" in response.content.decode()
    assert conversation.customer.name == "赵先生" and conversation.summary == "咨询团购价格，已发报价"
    assert "赵*" in response.content.decode() and "赵先生" not in response.content.decode()


def test_cs1_conversation_list_filters_and_query_count(client_for, team, active_chat,
                                                       waiting_chat, chat_customer,
                                                       django_assert_max_num_queries):
    def fill(n):
        for _ in range(n):
            c = active_chat(agent=team["wu"], customer=chat_customer())
            chat.close_conversation(actor=team["wu"], conversation=c, summary="已解答尺码问题")
            waiting_chat(customer=chat_customer())

    fill(2)
    client = client_for(team["zhou"])
    url = reverse("service:conversation_list")
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    fill(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    assert page.count('href="/service/conversations/') >= 24
    closed = client.get(url, {"state": "closed"}).content.decode()
    assert closed.count("已解答尺码问题") == 12
    mine = client_for(team["zheng"]).get(url).content.decode()  # an agent: their own
    assert "没有符合条件的会话。" in mine
    everyone = client_for(team["zheng"]).get(url, {"agent": "all", "q": "尺码"}).content.decode()
    assert everyone.count("已解答尺码问题") == 12


def test_cs1_conversation_page_shows_messages_history_and_masked_customer(
        client_for, team, active_chat, chat_customer):
    conversation = active_chat(agent=team["wu"], customer=chat_customer(name="林小美"))
    chat.post_agent_message(actor=team["wu"], conversation=conversation, body="S码有货")
    chat.close_conversation(actor=team["wu"], conversation=conversation, summary="已下单")
    page = client_for(team["zhou"]).get(
        reverse("service:conversation_detail", args=[conversation.pk])).content.decode()
    assert "S码有货" in page and "林*" in page
    # The history's actor column names the customer masked too, with the number (ROLE-6).
    assert "林小美" not in page
    assert f"顾客 林**（{conversation.customer.number}）" in page
    assert "接入会话" in page and "结束会话" in page  # the history
    assert 'data-testid="conversation-summary">已下单<' in page
    assert "尚未质检" in page

"""CS-3 quality inspection: real pre-sale conversations of the shop, as the CS supervisor
reads them. One follows every rule and scores 100; each of the six forbidden situations of
the seeds (没有开始语, 不使用礼貌用语, 没有结束语, 未主动提示客户注意事项, 首次响应慢,
客户消息未回复) is caught on its own, in a conversation clean except for that one fault."""

import pytest

from shopops.service.models import Message, QualityCheck
from shopops.service.quality import inspect_conversation

GREETING = "您好，欢迎来到五步商城，请问有什么需要帮助的吗？"
CLOSING = "好的，非常感谢您对五步商城的关注与支持，再见！"
NOTICE = ("温馨提示：下单后请核对一下收货地址和电话，真丝面料建议手洗，收到后请保留吊牌，"
          "有问题七天内随时联系我们。")


def dress_sale(first_reply=12, *, greeting=GREETING, body=None, notice=NOTICE, closing=CLOSING,
               tail=()):
    """A customer asks about the silk dress, is advised on the size, buys and pays."""
    body = body or ["亲，M码还有现货的，您平时穿多大尺码呢？",
                    "按您的身材M码正合适，这款现在参加满299减30的活动哦。",
                    "收到，今天下午四点前付款的订单当天发货，发货后会短信通知您。"]
    lines = [("客户", 0, "你好，这款真丝连衣裙还有M码吗？")]
    if greeting:
        lines.append(("客服", first_reply, greeting))
    lines += [("客服", first_reply + 8, body[0]),
              ("客户", first_reply + 50, "平时穿M，身高165，体重52公斤"),
              ("客服", first_reply + 65, body[1]),
              ("客户", first_reply + 110, "好的，那我现在下单了")]
    if notice:
        lines.append(("客服", first_reply + 130, notice))
    lines += [("客户", first_reply + 170, "已经付款了"),
              ("客服", first_reply + 180, body[2])]
    if closing:
        lines.append(("客服", first_reply + 190, closing))
    lines += list(tail)
    return lines


def rules(check):
    return [f["rule"] for f in check.findings]


def bodies(conversation, finding):
    texts = dict(Message.objects.filter(conversation=conversation).values_list("pk", "body"))
    return [texts[pk] for pk in finding["message_ids"]]


def test_cs3_a_conversation_following_every_rule_scores_100(talk, wuqian):
    conversation = talk(wuqian, dress_sale())
    check = inspect_conversation(conversation)
    assert check.score == 100
    assert check.findings == []
    assert check.agent == wuqian
    assert check.first_response_seconds == 12
    assert check.closed_at == conversation.closed_at


def test_cs3_no_greeting_is_caught_alone(talk, wuqian):
    conversation = talk(wuqian, dress_sale(greeting=None))
    check = inspect_conversation(conversation)
    assert rules(check) == ["no_greeting"]
    finding = check.findings[0]
    assert finding["label"] == "没有开始语" and finding["deduction"] == 10
    assert bodies(conversation, finding) == ["亲，M码还有现货的，您平时穿多大尺码呢？",
                                             "按您的身材M码正合适，这款现在参加满299减30的活动哦。"]
    assert check.score == 90


def test_cs3_no_polite_words_is_caught_alone(talk, wuqian):
    rude = ["M码还有现货，平时穿多大？", "这个身材M码正合适，现在满299减30。",
            "收到，今天下午四点前付款的当天发货。"]
    notice = "温馨提示：下单后核对一下收货地址，真丝面料手洗，收到后保留吊牌。"
    conversation = talk(wuqian, dress_sale(body=rude, notice=notice))
    check = inspect_conversation(conversation)
    assert rules(check) == ["no_polite"]
    finding = check.findings[0]
    assert finding["label"] == "不使用礼貌用语"
    # The greeting and closing formulas carry 您 by themselves and do not count.
    assert bodies(conversation, finding) == [rude[0], rude[1], notice, rude[2]]
    assert check.score == 90


def test_cs3_no_closing_is_caught_alone(talk, wuqian):
    conversation = talk(wuqian, dress_sale(closing=None))
    check = inspect_conversation(conversation)
    assert rules(check) == ["no_closing"]
    assert check.findings[0]["label"] == "没有结束语"
    assert bodies(conversation, check.findings[0]) == [
        NOTICE, "收到，今天下午四点前付款的订单当天发货，发货后会短信通知您。"]
    assert check.score == 90


def test_cs3_no_reminder_of_important_notes_is_caught_alone(talk, wuqian):
    conversation = talk(wuqian, dress_sale(notice="好的，您拍下后我这边尽快给您安排。"))
    check = inspect_conversation(conversation)
    assert rules(check) == ["no_notice"]
    finding = check.findings[0]
    assert finding["label"] == "未主动提示客户注意事项" and finding["deduction"] == 15
    # What made a reminder due: the customer buying and paying.
    assert bodies(conversation, finding) == ["好的，那我现在下单了", "已经付款了"]
    assert "客户提到“下单”" in finding["detail"]
    assert check.score == 85


def test_cs3_slow_first_response_is_caught_alone(talk, wuqian):
    conversation = talk(wuqian, dress_sale(first_reply=95))
    check = inspect_conversation(conversation)
    assert rules(check) == ["slow_first_response"]
    finding = check.findings[0]
    assert finding["label"] == "首次响应慢"
    assert finding["detail"] == "客户首条消息后 95 秒才回复（时限 30 秒）。"
    assert bodies(conversation, finding) == ["你好，这款真丝连衣裙还有M码吗？", GREETING]
    assert check.first_response_seconds == 95
    assert check.score == 85


def test_cs3_unanswered_customer_message_is_caught_alone(talk, wuqian):
    tail = [("客户", 260, "对了，能开发票吗？抬头写公司的")]
    conversation = talk(wuqian, dress_sale(tail=tail))
    check = inspect_conversation(conversation)
    assert rules(check) == ["unanswered"]
    finding = check.findings[0]
    assert finding["label"] == "客户消息未回复" and finding["deduction"] == 20
    assert bodies(conversation, finding) == ["对了，能开发票吗？抬头写公司的"]
    assert check.score == 80


@pytest.mark.parametrize(("seconds", "slow"), [(30, False), (31, True)])
def test_cs3_first_response_at_the_limit_is_in_time_one_second_more_is_slow(
        talk, wuqian, seconds, slow):
    check = inspect_conversation(talk(wuqian, dress_sale(first_reply=seconds)))
    assert check.first_response_seconds == seconds
    assert rules(check) == (["slow_first_response"] if slow else [])


def test_cs3_the_response_limit_and_deductions_are_settings(talk, wuqian, set_setting):
    set_setting("service.qi_first_response_seconds", 60)
    set_setting("service.qi_deduct_unanswered", 30)
    tail = [("客户", 300, "对了，能开发票吗？")]
    check = inspect_conversation(talk(wuqian, dress_sale(first_reply=45, tail=tail)))
    assert rules(check) == ["unanswered"]
    assert check.score == 70


def test_cs3_thanks_after_the_closing_needs_a_reply_but_ok_does_not(talk, wuqian):
    thanks = talk(wuqian, dress_sale(tail=[("客户", 260, "谢谢亲，再见")]))
    fine = talk(wuqian, dress_sale(tail=[("客户", 260, "好的。")]))
    assert rules(inspect_conversation(thanks)) == ["unanswered"]
    assert rules(inspect_conversation(fine)) == []


def test_cs3_a_product_question_without_a_purchase_needs_no_reminder(talk, wuqian):
    conversation = talk(wuqian, [
        ("客户", 0, "请问这款羊毛衫会起球吗？"),
        ("客服", 9, "您好，欢迎来到五步商城！"),
        ("客服", 20, "这款是90%美利奴羊毛，正常穿着不易起球，您可以放心。"),
        ("客户", 60, "那我再看看"),
        ("客服", 70, "好的，您慢慢挑选，有问题随时找我。非常感谢您对五步商城的关注与支持，再见！"),
    ])
    check = inspect_conversation(conversation)
    assert check.findings == [] and check.score == 100


def test_cs3_an_after_sale_conversation_needs_a_reminder(talk, zhengli):
    conversation = talk(zhengli, [
        ("客户", 0, "衣服洗了一次就缩水了"),
        ("客服", 15, "您好，欢迎来到五步商城，非常抱歉给您带来不便。"),
        ("客服", 40, "麻烦您拍一下洗标和缩水的位置，我帮您申请处理。"),
        ("客户", 90, "[图片]"),
        ("客服", 120, "已经为您登记好了，仓库收到后会尽快处理。"),
        ("客服", 130, "感谢您的耐心，再见！"),
    ], stage="aftersale")
    check = inspect_conversation(conversation)
    assert rules(check) == ["no_notice"]
    assert check.findings[0]["detail"].startswith("会话属于售后")


def test_cs3_a_conversation_nobody_answered_scores_its_faults(talk, wuqian):
    conversation = talk(wuqian, [("客户", 0, "在吗？"), ("客户", 120, "有人吗？")])
    check = inspect_conversation(conversation)
    assert rules(check) == ["no_greeting", "no_closing", "unanswered"]
    assert check.first_response_seconds is None
    assert check.score == 60


def test_cs3_a_conversation_has_one_check(talk, wuqian):
    conversation = talk(wuqian, dress_sale(closing=None))
    first = inspect_conversation(conversation)
    again = inspect_conversation(conversation)
    assert first.pk == again.pk
    assert QualityCheck.objects.count() == 1


def test_cs3_an_open_conversation_is_not_scored(talk, wuqian):
    from shopops.core.errors import ConflictError

    conversation = talk(wuqian, dress_sale(), state="active")
    with pytest.raises(ConflictError):
        inspect_conversation(conversation)
    assert not QualityCheck.objects.exists()

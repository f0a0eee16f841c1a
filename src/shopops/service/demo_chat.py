"""Demo chat (CS-1, CS-2, CS-8): the script library in the seeds' wording, quick replies,
shop conversations waiting, in progress and ended (pre-sale sizes, an order confirmation,
an after-sale complaint passed to after-sales), a phone call logged by hand, an off-hours
message and a shift handover waiting for 郑丽. Everything through the chat's actions, as
the person whose post does it. Called by ops.demo after the staff demo."""

from datetime import timedelta

from django.utils import timezone

from shopops.core.actors import customer_actor
from shopops.orders.models import Order

from .actions import chat, chat_log, handover, scripts
from .models import Script

S = Script.Step
SCRIPTS = [
    (S.GREETING, "开始语", "您好，欢迎来到五步商城，请问有什么需要帮助的吗？"),
    (S.GREETING, "自我介绍", "您好，我是五步商城客服，很高兴为您服务，请问您想了解哪款商品呢？"),
    (S.PROMOTION, "当前活动", "亲，本店正在做冬季上新活动：全场满299减30，新品连衣裙限时8.5折，"
                           "活动到本周日结束哦～"),
    (S.PRODUCT, "真丝连衣裙", "这款连衣裙是100%桑蚕丝面料，垂感好、亲肤透气；S码适合身高155–160cm、"
                         "体重45–50kg，M码适合160–165cm、50–55kg。"),
    (S.PRODUCT, "尺码建议", "亲，麻烦告诉我您的身高、体重和平时穿的尺码，我帮您推荐合适的尺码。"),
    (S.CONFIRM, "核对收货信息", "请您核对一下收货人、联系电话和收货地址是否正确，确认无误后我们会在"
                           "48小时内为您安排发货。"),
    (S.FAVOURITE, "邀请收藏", "如果喜欢我们的商品，欢迎收藏店铺，上新和活动会第一时间通知您哦～"),
    (S.NOTICE, "签收提醒", "温馨提示：签收时请当面检查外包装，如有破损请拒收并联系我们；吊牌请勿剪掉，"
                       "以免影响七天无理由退换。"),
    (S.NOTICE, "真丝洗护", "注意事项：真丝面料请手洗或干洗，不要暴晒，避免与粗糙物品摩擦。"),
    (S.AFTERSALE, "致歉与取证", "非常抱歉给您带来不便，请您提供一下订单号和商品问题处的照片，"
                            "我们马上为您处理。"),
    (S.AFTERSALE, "换货流程", "已为您登记换货，请您将商品连同吊牌寄回，寄回运费由我们承担，"
                          "收到后24小时内为您发出新的商品。"),
    (S.CLOSING, "结束语", "好的，非常感谢您对五步商城的关注与支持，再见。"),
]


def load(people):
    wu, zheng, zhou = people["presale_cs"], people["aftersale_cs"], people["cs_supervisor"]
    _library(zhou, wu)
    lin = chat_log.customer_for(actor=wu, name="林小美", phone="13866668888", nick="林小美_88")
    chen = chat_log.customer_for(actor=zheng, name="陈静", phone="13800138001")
    wang = chat_log.customer_for(actor=wu, name="王芳", phone="13711112222")

    # Ended: an order confirmed with 王芳, the whole service flow (clean for the inspection).
    confirm = _open(wang, "你好，我刚拍了一件真丝连衣裙，麻烦帮我确认一下地址")
    chat.take_conversation(actor=wu, conversation=confirm)
    _say(wu, confirm, "您好，欢迎来到五步商城，请问有什么需要帮助的吗？",
         "请您核对一下收货人、联系电话和收货地址是否正确，确认无误后我们会在48小时内为您安排发货。")
    _customer(wang, confirm, "收货人王芳，南京市鼓楼区中山北路28号江苏商厦8楼，电话没错")
    _say(wu, confirm, "好的，已为您核对无误。温馨提示：签收时请当面检查外包装，如有破损请拒收并联系我们；"
                      "吊牌请勿剪掉，以免影响七天无理由退换。",
         "如果喜欢我们的商品，欢迎收藏店铺，上新和活动会第一时间通知您哦～",
         "好的，非常感谢您对五步商城的关注与支持，再见。")
    _link(wu, confirm, _order_of(wang))
    chat.set_stage(actor=wu, conversation=confirm, stage="insale")
    chat.close_conversation(actor=wu, conversation=confirm,
                            summary="已核对收货信息，提醒签收注意事项，客户已收藏店铺")

    # An earlier question 林小美 ended herself before anyone answered.
    gave_up = _open(lin, "在吗？")
    chat.close_conversation(actor=customer_actor(lin), conversation=gave_up)

    # In progress with 吴倩: pre-sale sizes; the customer spoke last (待回复).
    sizes = _open(lin, "你好，这款真丝连衣裙有S码吗？我身高158，体重48公斤")
    chat.take_conversation(actor=wu, conversation=sizes)
    _say(wu, sizes, "您好，欢迎来到五步商城，请问有什么需要帮助的吗？",
         "这款连衣裙是100%桑蚕丝面料，垂感好、亲肤透气；S码适合身高155–160cm、体重45–50kg，"
         "您穿S码正合适。")
    _customer(lin, sizes, "那我拍S码，藏青色，今天拍什么时候能发货？有没有活动？")

    # An after-sale complaint: 吴倩 passes it to 郑丽 (after-sales), who is on it now.
    complaint = _open(chen, "收到的裙子领口有线头，还有一处抽丝，太失望了！")
    chat.take_conversation(actor=wu, conversation=complaint)
    _say(wu, complaint, "您好，非常抱歉给您带来不便，我这边为您转接售后客服处理，请您稍等。")
    chat.transfer_conversation(actor=wu, conversation=complaint, to_agent=zheng,
                               note="客户收到的真丝连衣裙领口有线头、抽丝，要求处理")
    _say(zheng, complaint, "您好，我是售后客服郑丽。非常抱歉给您带来不便，请您提供一下订单号和商品问题处的照片，"
                           "我们马上为您处理。")
    _customer(chen, complaint, "订单就是前天买的那件，照片我拍好了，抽丝很明显，我要换一件新的")
    _say(zheng, complaint, "已为您登记换货，请您将商品连同吊牌寄回，寄回运费由我们承担，"
                           "收到后24小时内为您发出新的商品。")
    _link(zheng, complaint, _order_of(chen))
    chat.set_stage(actor=zheng, conversation=complaint, stage="aftersale")

    # Waiting in the queue: a visitor asking about a promotion.
    visitor = chat.VisitorActor(key="demo-visitor-xiaoyu", name="小雨")
    chat.start_conversation(actor=visitor, body="请问现在羽绒服有满减活动吗？满多少可以减？",
                            check_hours=False)

    # An off-hours message (留言) the duty person was told about.
    chat.leave_message(actor=chat.VisitorActor(key="demo-visitor-night", name="陈先生"),
                       body="昨晚下的单还没发货，麻烦明天上午给我回个电话", contact="13912340000")

    # A phone call 郑丽 logged afterwards.
    chat_log.log_conversation(
        actor=zheng, source="phone", started_at=timezone.now() - timedelta(hours=2),
        customer_name="赵先生", customer_phone="13900001111", stage="aftersale",
        lines="客户：你好，我想问一下我的快递三天没有更新了\n"
              "客服：您好，请您提供一下手机号，我帮您查询一下物流\n"
              "客户：13900001111\n客服：查到了，包裹在杭州转运中心，今天会派送，请您保持电话畅通\n"
              "客户：好的，谢谢\n客服：好的，非常感谢您对五步商城的关注与支持，再见。",
        summary="快递在杭州转运中心滞留，已催促快递，当天派送")

    # 吴倩's shift ends: her open conversation goes to 郑丽 with the proposed solution.
    handover.hand_over(actor=wu, to_agent=zheng, note="早班交接，请晚班跟进", items=[
        {"conversation": sizes,
         "proposed_solution": "客户确认S码藏青色后下单；告知满299减30活动，付款后48小时内发货，邀请收藏店铺",
         "note": "客户在比较颜色，回复要快"}])


def _library(supervisor, agent):
    for n, (step, title, body) in enumerate(SCRIPTS, start=1):
        scripts.save_script(actor=supervisor, step=step, title=title, body=body, sort_order=n)
    for n, (title, body) in enumerate([
            ("稍等", "好的，请您稍等，我马上为您查询。"),
            ("发货时间", "付款后48小时内为您发货，默认中通快递，需要顺丰可以补运费哦。"),
            ("七天无理由", "本店支持七天无理由退换货（吊牌完好、不影响二次销售）。")], start=1):
        scripts.save_quick_reply(actor=supervisor, title=title, body=body, shared=True,
                                 sort_order=n)
    scripts.save_quick_reply(actor=agent, title="尺码推荐",
                             body="亲，麻烦告诉我您的身高、体重和平时穿的尺码，我帮您推荐合适的尺码。")


def _open(customer, body):
    return chat.start_conversation(actor=customer_actor(customer), body=body, check_hours=False)


def _say(agent, conversation, *bodies):
    for body in bodies:
        chat.post_agent_message(actor=agent, conversation=conversation, body=body)


def _customer(customer, conversation, body):
    chat.post_customer_message(actor=customer_actor(customer), conversation=conversation,
                               body=body)


def _order_of(customer):
    return (Order.objects.filter(customer_phone=customer.phone)
            .filter(customer__isnull=True).order_by("pk").first()
            or Order.objects.filter(customer=customer).order_by("pk").first())


def _link(agent, conversation, order):
    if order is not None:
        chat.link_order(actor=agent, conversation=conversation, order=order)

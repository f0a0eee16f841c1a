"""How the chat's events read in the event log, and where their objects' pages are."""

from shopops.core.event_labels import register_object_url, register_verbs

register_verbs({
    "chat.opened": "发起在线咨询",
    "chat.message_left": "非服务时间留言",
    "chat.customer_joined": "访客登录，会话归入客户",
    "chat.taken": "接入会话",
    "chat.transferred": "转接会话",
    "chat.closed": "结束会话",
    "chat.stage_changed": "修改会话阶段",
    "chat.order_linked": "会话关联订单",
    "chat.summary_recorded": "记录处理结果",
    "chat.handed_over": "交班",
    "chat.handover_created": "交班",
    "chat.handover_accepted": "接班",
    "chat.handover_confirmed": "确认接班",
    "chat.logged": "录入会话",
    "chat.imported": "导入会话",
    "chat.import_uploaded": "上传聊天记录",
    "chat.import_applied": "确认导入聊天记录",
    "chat.quick_reply_created": "新增快捷回复",
    "chat.quick_reply_changed": "修改快捷回复",
    "chat.quick_reply_removed": "删除快捷回复",
    "chat.script_created": "新增话术",
    "chat.script_changed": "修改话术",
})
register_object_url("service.conversation", "service:conversation_detail")
register_object_url("service.shifthandover", "service:handover_detail")
register_object_url("service.conversationimport", "service:conversation_import_detail")

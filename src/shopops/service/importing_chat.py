"""A platform chat export (淘宝/天猫旺旺, 京东咚咚, …) → a plan of conversations (CS-1).

The file: xlsx, or CSV in UTF-8 or GB18030 (catalog.importing.readers), one row per message,
the header in the first row. The columns (every known spelling is accepted):

    会话编号   the platform's conversation id (required; rows with the same id are one
               conversation; an id imported before is never imported again)
    时间       when the message was sent, e.g. 2026-12-01 10:02:33 (required)
    发送方     客户 / 买家 / 顾客, or 客服 / 卖家 / 商家 (required)
    内容       the message (required)
    客户账号   the buyer's platform account (旺旺号/咚咚账号; required once per conversation)
    客户姓名   optional
    客户手机   optional
    客服账号   the agent's ShopOps user name or name (required on the agent's rows)
    阶段       售前 / 售中 / 售后 (optional, 售前 when empty)
    订单号     ShopOps order number or the platform order number (optional)
    处理结果   the result / the customer's feedback (optional)

Nothing is written here: `plan` returns each conversation with its messages and each bad
row with its reason; service.actions.chat_log stores and applies it.
"""

from shopops.accounts.models import User
from shopops.catalog.importing.readers import read_table
from shopops.core.errors import UserError
from shopops.orders.importing.parse import RowError, parse_time

from .models import Conversation, Message

MAX_ROWS = 20000
COLUMNS = {
    "external_id": ("会话编号", "会话ID", "会话id", "聊天编号"),
    "at": ("时间", "发送时间", "消息时间"),
    "sender": ("发送方", "发送人类型", "角色"),
    "body": ("内容", "消息内容", "聊天内容"),
    "nick": ("客户账号", "买家账号", "买家旺旺", "旺旺号", "买家昵称", "咚咚账号", "用户账号"),
    "name": ("客户姓名", "买家姓名"),
    "phone": ("客户手机", "手机", "联系电话"),
    "agent": ("客服账号", "客服", "客服子账号"),
    "stage": ("阶段", "咨询阶段"),
    "order": ("订单号", "订单编号"),
    "summary": ("处理结果", "客户反馈", "备注"),
}
REQUIRED = ("external_id", "at", "sender", "body")
LABELS = {key: aliases[0] for key, aliases in COLUMNS.items()}
CUSTOMER_WORDS = ("客户", "买家", "顾客", "用户", "customer", "buyer")
AGENT_WORDS = ("客服", "卖家", "商家", "agent", "seller")
STAGES = {label: value for value, label in Conversation.Stage.choices}
SAMPLE_HEADER = ["会话编号", "时间", "发送方", "内容", "客户账号", "客户姓名", "客户手机",
                 "客服账号", "阶段", "订单号", "处理结果"]


def _norm(header: str) -> str:
    return "".join(header.split()).lower()


def mapping(headers) -> dict[str, int]:
    index = {_norm(h): i for i, h in reversed(list(enumerate(headers)))}
    out = {}
    for key, aliases in COLUMNS.items():
        for alias in aliases:
            if _norm(alias) in index:
                out[key] = index[_norm(alias)]
                break
    return out


def _sender(text: str) -> str:
    word = text.strip().lower()
    if any(w in word for w in AGENT_WORDS):
        return Message.Sender.AGENT
    if any(w in word for w in CUSTOMER_WORDS):
        return Message.Sender.CUSTOMER
    raise RowError(f"发送方应为“客户”或“客服”：{text or '（空）'}",
                   f"Sender must be customer or agent: {text or '(empty)'}")


class _Agents:
    """Agents named in the file, found once each by user name or name."""

    def __init__(self):
        self._found = {}

    def __call__(self, text):
        if text not in self._found:
            self._found[text] = (User.objects.filter(username=text, is_active=True).first()
                                 or User.objects.filter(display_name=text, is_active=True)
                                 .order_by("pk").first())
        user = self._found[text]
        if user is None:
            raise RowError(f"找不到客服账号：{text}", f"No staff account: {text}")
        return user.pk


class _Orders:
    def __init__(self):
        self._found = {}

    def __call__(self, text):
        from shopops.orders.models import Order

        if text not in self._found:
            order = (Order.objects.filter(number=text).first()
                     or Order.objects.filter(platform_order_no=text).order_by("pk").first())
            self._found[text] = order and {"id": order.pk, "customer": order.customer_id}
        if self._found[text] is None:
            raise RowError(f"找不到订单：{text}", f"No such order: {text}")
        return self._found[text]


def plan(data: bytes, filename: str, source: str) -> tuple[list[dict], list[dict]]:
    """(conversations, problems). Each conversation: external_id, rows, nick, name, phone,
    stage, order, summary, messages [{sender, agent, at, body, row}], status ("ready",
    "duplicate" or "error")."""
    table = read_table(data, filename, max_rows=MAX_ROWS)
    columns = mapping(table.headers)
    missing = [LABELS[key] for key in REQUIRED if key not in columns]
    if missing:
        raise UserError("chat_import_columns", "文件缺少必需的列：{columns}。表头应为：{header}",
                        "Missing columns: {columns}. The header should be: {header}",
                        columns="、".join(missing), header="，".join(SAMPLE_HEADER))
    agents, orders = _Agents(), _Orders()
    conversations: dict[str, dict] = {}
    problems = []

    def cell(cells, key):
        i = columns.get(key)
        return cells[i].strip() if i is not None and i < len(cells) else ""

    for row, cells in table.rows:
        external_id = cell(cells, "external_id")
        conv = conversations.setdefault(external_id or f"(第{row}行)", {
            "external_id": external_id, "rows": [], "nick": "", "name": "", "phone": "",
            "stage": "", "order": None, "summary": "", "messages": [], "errors": []})
        conv["rows"].append(row)
        try:
            if not external_id:
                raise RowError("会话编号为空", "Empty conversation id")
            at = parse_time(cell(cells, "at"), "时间")
            if at is None:
                raise RowError("时间为空", "Empty time")
            sender = _sender(cell(cells, "sender"))
            body = cell(cells, "body")
            if not body:
                raise RowError("内容为空", "Empty message")
            agent = None
            if sender == Message.Sender.AGENT:
                if not cell(cells, "agent"):
                    raise RowError("客服发送的消息需要填写客服账号", "Agent rows need the agent")
                agent = agents(cell(cells, "agent"))
            for key in ("nick", "name", "phone"):
                value = cell(cells, key)
                if value and conv[key] and conv[key] != value:
                    raise RowError(f"同一会话的{LABELS[key]}不一致：{conv[key]} / {value}",
                                   f"Different {key} within one conversation")
                conv[key] = conv[key] or value
            stage = cell(cells, "stage")
            if stage:
                if stage not in STAGES:
                    raise RowError(f"阶段应为售前、售中或售后：{stage}",
                                   f"Stage must be 售前/售中/售后: {stage}")
                conv["stage"] = STAGES[stage]
            if cell(cells, "order"):
                conv["order"] = orders(cell(cells, "order"))
            conv["summary"] = cell(cells, "summary") or conv["summary"]
            conv["messages"].append({"sender": sender, "agent": agent, "at": at, "body": body,
                                     "row": row})
        except RowError as exc:
            conv["errors"].append({"row": row, "external_id": external_id,
                                   "message": exc.message, "message_en": exc.message_en})
    taken = set(Conversation.objects.filter(
        source=source, external_id__in=[c["external_id"] for c in conversations.values()
                                        if c["external_id"]])
        .values_list("external_id", flat=True))
    for conv in conversations.values():
        if not conv["errors"] and not conv["nick"] and not conv["phone"]:
            conv["errors"].append({"row": conv["rows"][0], "external_id": conv["external_id"],
                                   "message": "会话没有客户账号或手机，无法对应客户",
                                   "message_en": "No customer account or phone"})
        if conv["errors"]:
            conv["status"] = "error"
            problems += conv["errors"]
        elif conv["external_id"] in taken:
            conv["status"] = "duplicate"
            problems.append({"row": conv["rows"][0], "external_id": conv["external_id"],
                             "message": "该会话已导入过，跳过（不会重复导入）",
                             "message_en": "Imported before: skipped", "duplicate": True})
        else:
            conv["status"] = "ready"
            conv["messages"].sort(key=lambda m: (m["at"], m["row"]))
        del conv["errors"]
    return list(conversations.values()), sorted(problems, key=lambda p: p["row"])

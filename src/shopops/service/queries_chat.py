"""Reads of the live chat (CS-1, CS-2, CS-8): service hours, the agents, the console's
queues and the customer's context beside a conversation. Each is a fixed number of queries
whatever the row count (the console's query-count test holds them to it)."""

from datetime import datetime

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from shopops.accounts.models import Role, User
from shopops.accounts.queries import users_with_roles
from shopops.core.access import CAPABILITIES, LEVELS
from shopops.core.registry import setting

from .models import Conversation, Message, QuickReply, Script

OPEN_STATES = (Conversation.State.WAITING, Conversation.State.ACTIVE)
RECENT_ORDERS = 5
EARLIER_CONVERSATIONS = 5


# --- service hours and the off-hours duty person (CS-8) ----------------------------------

def service_hours():
    return setting("service.chat_opens"), setting("service.chat_closes")


def in_service_hours(at: datetime | None = None) -> bool:
    opens, closes = service_hours()
    now = timezone.localtime(at or timezone.now()).time()
    if opens == closes:
        return True  # the same time twice: around the clock
    if opens < closes:
        return opens <= now < closes
    return now >= opens or now < closes  # hours across midnight


def hours_label() -> str:
    opens, closes = service_hours()
    if opens == closes:
        return "全天 24 小时"
    return f"{opens:%H:%M}–{closes:%H:%M}"


def holders_of(capability: str) -> list[User]:
    """Active staff whose roles grant `capability` at their access level (two queries)."""
    codes = [r.code for r in Role.objects.only("code", "capabilities")
             if capability in (r.capabilities or [])]
    needed = LEVELS[CAPABILITIES[capability].level]
    return [u for u in users_with_roles(codes) if LEVELS.get(u.access_level, 0) >= needed]


def chat_agents() -> list[User]:
    """Everyone who answers the chat: the colleagues a conversation can be transferred or
    handed over to; `is_cs_supervisor` marks the supervisors."""
    agents = holders_of("service.chat")
    supervisors = {u.pk for u in users_with_roles(["cs_supervisor"])}
    for agent in agents:
        agent.is_cs_supervisor = agent.pk in supervisors
    return agents


def offhours_duty_people(at: datetime | None = None) -> list[User]:
    """Who receives an off-hours message: the configured person; else today's 值班 from the
    duty rota among those who answer the chat; else the CS supervisors."""
    username = (setting("service.offhours_duty_username") or "").strip()
    if username:
        person = User.objects.filter(username=username, is_active=True).first()
        if person is not None:
            return [person]
    from shopops.staff.models import DutyAssignment

    day = timezone.localdate(at or timezone.now())
    agents = {u.pk: u for u in chat_agents()}
    on_duty = [agents[pk] for pk in DutyAssignment.objects.filter(
        day=day, kind=DutyAssignment.Kind.DUTY).values_list("person_id", flat=True)
        if pk in agents]
    return on_duty or users_with_roles(["cs_supervisor"])


# --- the console ------------------------------------------------------------------------

def _with_last_message(conversations):
    last = Message.objects.filter(conversation=OuterRef("pk")).order_by("-at", "-pk")
    return conversations.annotate(last_body=Subquery(last.values("body")[:1]))


def waiting_queue():
    """Waiting conversations, oldest first (the one waiting longest is answered first)."""
    return _with_last_message(Conversation.objects.filter(
        state=Conversation.State.WAITING).select_related("customer")
        .order_by("started_at", "pk"))


def active_of(agent):
    """The agent's conversations in progress, the longest unanswered first."""
    return _with_last_message(Conversation.objects.filter(
        state=Conversation.State.ACTIVE, agent=agent).select_related("customer")
        .order_by("last_message_at", "pk"))


def messages_of(conversation, after: int = 0):
    rows = Message.objects.filter(conversation=conversation).select_related("agent")
    if after:
        rows = rows.filter(pk__gt=after)
    return rows.order_by("at", "pk")


def quick_replies_for(user):
    """The agent's own quick replies first, then the shared ones."""
    return QuickReply.objects.filter(Q(owner=user) | Q(owner__isnull=True), active=True) \
        .order_by("owner_id", "sort_order", "pk")


def scripts_by_step(active_only=True):
    """[(step value, label, [scripts])] in the order of the service flow (CS-2)."""
    scripts = Script.objects.select_related("updated_by")
    if active_only:
        scripts = scripts.filter(active=True)
    grouped = {value: [] for value in Script.Step.values}
    for script in scripts.order_by("sort_order", "pk"):
        grouped[script.step].append(script)
    return [(value, label, grouped[value]) for value, label in Script.Step.choices]


def customer_context(conversation, user) -> dict:
    """What the console shows beside a conversation: the customer, their recent orders,
    their cart in the shop and their earlier conversations."""
    from shopops.orders.models import Order

    customer = conversation.customer
    context = {"customer": customer, "orders": [], "cart": None, "earlier": []}
    earlier = Conversation.objects.exclude(pk=conversation.pk).select_related("agent")
    if customer is not None:
        context["tags"] = list(customer.tags.all())
        context["orders"] = list(Order.objects.filter(customer=customer)
                                 .order_by("-created_at", "-pk")[:RECENT_ORDERS])
        earlier = earlier.filter(customer=customer)
    elif conversation.visitor_key:
        earlier = earlier.filter(visitor_key=conversation.visitor_key)
    else:
        earlier = earlier.none()
    context["earlier"] = list(earlier.order_by("-started_at", "-pk")[:EARLIER_CONVERSATIONS])
    context["cart"] = shop_cart(conversation)
    return context


def shop_cart(conversation):
    """What the customer (or the visitor) has in their shop cart now, at the shop's price:
    {"lines": [{title, spec, quantity, amount_fen}], "total_fen"} (two queries)."""
    from shopops.catalog.models import ordered_attributes
    from shopops.storefront.channel import find_shop_channel
    from shopops.storefront.models import CartItem
    from shopops.storefront.queries import sku_prices

    if conversation.customer_id:
        items = CartItem.objects.filter(cart__customer_id=conversation.customer_id)
    elif conversation.visitor_key:
        items = CartItem.objects.filter(cart__visitor_key=conversation.visitor_key)
    else:
        return None
    items = list(items.select_related("sku__product").order_by("-added_at", "-pk"))
    if not items:
        return {"lines": [], "total_fen": 0}
    channel = find_shop_channel()
    prices = sku_prices([i.sku_id for i in items], channel) if channel else {}
    lines = [{"title": item.sku.product.title, "quantity": item.quantity,
              "spec": " / ".join(str(v) for _, v in ordered_attributes(item.sku.attributes)),
              "amount_fen": prices.get(item.sku_id, item.sku.price_fen) * item.quantity}
             for item in items]
    return {"lines": lines, "total_fen": sum(line["amount_fen"] for line in lines)}

"""客服工作台 — the agent console (CS-1, CS-2): the waiting queue and my conversations, the
conversation with its reply box, quick replies and the script library, and beside it the
customer's profile, orders, cart and earlier conversations. Thin: each POST calls one action.

Posts made by the console's script (header X-Chat: 1) get the new messages back as a
fragment, or the error as JSON; plain form posts are redirected back to the console."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from shopops.accounts.models import User
from shopops.core.access import access, user_can
from shopops.core.errors import UserError
from shopops.core.i18n import user_message

from .actions import chat as actions
from .models import Conversation
from .queries_chat import (
    active_of,
    chat_agents,
    customer_context,
    hours_label,
    in_service_hours,
    messages_of,
    quick_replies_for,
    scripts_by_step,
    waiting_queue,
)

QUEUE_LIMIT = 100


def _fetch(request) -> bool:
    return request.headers.get("X-Chat") == "1"


def _conversation(pk):
    return get_object_or_404(Conversation.objects.select_related(
        "customer", "agent", "order", "closed_by"), pk=pk)


def _queue_context(request, current=None):
    return {"waiting": list(waiting_queue()[:QUEUE_LIMIT]),
            "mine": list(active_of(request.user)), "current": current}


@require_GET
@access("service.chat")
def console(request, pk=None):
    conversation = _conversation(pk) if pk else None
    context = {**_queue_context(request, conversation), "conversation": conversation,
               "open": in_service_hours(), "hours": hours_label(),
               "page_title": _("客服工作台")}
    if conversation is not None:
        user = request.user
        mine = conversation.agent_id == user.pk
        flow = scripts_by_step()
        context.update({
            "messages_list": messages_of(conversation),
            "side": customer_context(conversation, user),
            "quick_replies": list(quick_replies_for(user)),
            "scripts": flow,
            "has_scripts": any(items for _, _, items in flow),
            "agents": [a for a in chat_agents() if a.pk != conversation.agent_id],
            "stages": Conversation.Stage.choices,
            "may_reply": mine and conversation.state == Conversation.State.ACTIVE,
            "may_take": conversation.state == Conversation.State.WAITING,
            "may_manage": conversation.state != Conversation.State.CLOSED and (
                mine or user_can(user, "service.supervise_chat")),
            "may_summarise": conversation.state == Conversation.State.CLOSED and (
                mine or user_can(user, "service.supervise_chat")),
            "may_see_orders": user_can(user, "orders.view"),
        })
    return render(request, "service/chat/console.html", context)


@require_GET
@access("service.chat")
def queue(request):
    """The queue column alone, refreshed live when the queue changes."""
    current = request.GET.get("c", "")
    current = Conversation.objects.filter(pk=current).first() if current.isdigit() else None
    return render(request, "service/chat/_queue.html", _queue_context(request, current))


@require_GET
@access("service.chat")
def conversation_messages(request, pk):
    return messages_fragment(request, _conversation(pk))


def messages_fragment(request, conversation, side="agent"):
    """The messages after ?after=<id> (or the posted `after`), as the page appends them;
    `side` says whose view ("customer": 我 / 客服 吴倩; "agent": 客户 / 吴倩)."""
    after = request.GET.get("after") or request.POST.get("after") or "0"
    response = render(request, "service/chat/_messages.html", {
        "messages_list": messages_of(conversation, int(after) if after.isdigit() else 0),
        "side": side})
    response["X-Chat-State"] = conversation.state
    return response


def _done(request, conversation, success="", exc=None):
    if _fetch(request):
        if exc is not None:
            return JsonResponse({**exc.as_dict(), "text": user_message(exc)}, status=exc.status)
        return messages_fragment(request, conversation)
    if exc is not None:
        messages.error(request, user_message(exc))
    elif success:
        messages.success(request, success)
    return redirect("service:chat_conversation", conversation.pk)


def _post(handler, success=""):
    @require_POST
    def view(request, pk):
        conversation = _conversation(pk)
        try:
            result = handler(request, conversation)
        except UserError as exc:
            return _done(request, conversation, exc=exc)
        return _done(request, conversation, success(result) if callable(success) else success)
    return view


def _agent(request):
    pk = request.POST.get("to_agent", "")
    return User.objects.filter(pk=pk, is_active=True).first() if pk.isdigit() else None


def _order(request):
    from shopops.orders.models import Order

    number = request.POST.get("order", "").strip()
    return (Order.objects.filter(number=number).first()
            or Order.objects.filter(platform_order_no=number).order_by("pk").first()
            if number else None)


chat_take = access("service.chat")(_post(
    lambda r, c: actions.take_conversation(actor=r.user, conversation=c),
    _("已接入会话。")))
chat_reply = access("service.chat")(_post(
    lambda r, c: actions.post_agent_message(actor=r.user, conversation=c,
                                            body=r.POST.get("body", ""))))
chat_close = access("service.chat")(_post(
    lambda r, c: actions.close_conversation(actor=r.user, conversation=c,
                                            summary=r.POST.get("summary", "")),
    _("会话已结束。")))
chat_transfer = access("service.chat")(_post(
    lambda r, c: actions.transfer_conversation(actor=r.user, conversation=c,
                                               to_agent=_agent(r), note=r.POST.get("note", "")),
    lambda c: _("已转接给 %(name)s。") % {"name": c.agent}))
chat_stage = access("service.chat")(_post(
    lambda r, c: actions.set_stage(actor=r.user, conversation=c, stage=r.POST.get("stage", "")),
    _("已修改会话阶段。")))
chat_link_order = access("service.chat")(_post(
    lambda r, c: actions.link_order(actor=r.user, conversation=c, order=_order(r)),
    lambda c: _("已关联订单 %(number)s。") % {"number": c.order.number}))
chat_summary = access("service.chat")(_post(
    lambda r, c: actions.record_summary(actor=r.user, conversation=c,
                                        summary=r.POST.get("summary", "")),
    _("已保存处理结果。")))


urlpatterns = [
    path("chat/", console, name="chat_console"),
    path("chat/queue/", queue, name="chat_queue"),
    path("chat/<int:pk>/", console, name="chat_conversation"),
    path("chat/<int:pk>/messages/", conversation_messages, name="chat_messages"),
    path("chat/<int:pk>/take/", chat_take, name="chat_take"),
    path("chat/<int:pk>/reply/", chat_reply, name="chat_reply"),
    path("chat/<int:pk>/close/", chat_close, name="chat_close"),
    path("chat/<int:pk>/transfer/", chat_transfer, name="chat_transfer"),
    path("chat/<int:pk>/stage/", chat_stage, name="chat_stage"),
    path("chat/<int:pk>/order/", chat_link_order, name="chat_link_order"),
    path("chat/<int:pk>/summary/", chat_summary, name="chat_summary"),
]

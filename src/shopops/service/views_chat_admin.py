"""Around the console: quick replies (快捷回复), the script library (话术库, CS-2) and the
shift handover (交接班, CS-8). Thin: each POST calls one action."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shopops.accounts.models import User
from shopops.core.access import access, user_can
from shopops.core.errors import UserError
from shopops.core.i18n import user_message

from .actions import handover as handover_actions
from .actions import scripts as script_actions
from .models import Conversation, HandoverItem, QuickReply, Script, ShiftHandover
from .queries_chat import active_of, chat_agents, quick_replies_for, scripts_by_step

PAGE_SIZE = 30


def _picked(model, value):
    """The row a form or link names by id, or None when it names none."""
    return get_object_or_404(model, pk=value) if value.isdigit() else None


def _sort_order(request):
    value = request.POST.get("sort_order", "").strip()
    return int(value) if value.isdigit() else 100


# --- quick replies ----------------------------------------------------------------------

@access("service.chat")
def quick_replies(request):
    editing = _picked(QuickReply, request.GET.get("edit", ""))
    if request.method == "POST":
        try:
            script_actions.save_quick_reply(
                actor=request.user, reply=_picked(QuickReply, request.POST.get("pk", "")),
                title=request.POST.get("title", ""),
                body=request.POST.get("body", ""), shared=bool(request.POST.get("shared")),
                sort_order=_sort_order(request))
        except UserError as exc:
            messages.error(request, user_message(exc))
        else:
            messages.success(request, _("已保存快捷回复。"))
            return redirect("service:quick_replies")
    return render(request, "service/chat/quick_replies.html", {
        "replies": list(quick_replies_for(request.user).select_related("owner")),
        "editing": editing, "may_share": user_can(request.user, "service.manage_scripts"),
        "page_title": _("快捷回复")})


@require_POST
@access("service.chat")
def quick_reply_remove(request, pk):
    reply = get_object_or_404(QuickReply, pk=pk)
    try:
        script_actions.remove_quick_reply(actor=request.user, reply=reply)
    except UserError as exc:
        messages.error(request, user_message(exc))
    else:
        messages.success(request, _("已删除快捷回复。"))
    return redirect("service:quick_replies")


# --- the script library -----------------------------------------------------------------

@access("service.manage_scripts")
def scripts(request):
    editing = _picked(Script, request.GET.get("edit", ""))
    if request.method == "POST":
        try:
            script_actions.save_script(
                actor=request.user, script=_picked(Script, request.POST.get("pk", "")),
                step=request.POST.get("step", ""),
                title=request.POST.get("title", ""), body=request.POST.get("body", ""),
                sort_order=_sort_order(request), active=bool(request.POST.get("active")))
        except UserError as exc:
            messages.error(request, user_message(exc))
        else:
            messages.success(request, _("已保存话术。"))
            return redirect("service:scripts")
    return render(request, "service/chat/scripts.html", {
        "groups": scripts_by_step(active_only=False), "steps": Script.Step.choices,
        "editing": editing, "page_title": _("话术库")})


# --- shift handover ---------------------------------------------------------------------

@access("service.chat")
def handover_new(request):
    mine = list(active_of(request.user))
    agents = [a for a in chat_agents() if a.pk != request.user.pk]
    if request.method == "POST":
        chosen = {int(pk) for pk in request.POST.getlist("conversation") if pk.isdigit()}
        items = [{"conversation": c,
                  "proposed_solution": request.POST.get(f"solution_{c.pk}", ""),
                  "note": request.POST.get(f"note_{c.pk}", "")} for c in mine if c.pk in chosen]
        to = request.POST.get("to_agent", "")
        to_agent = User.objects.filter(pk=to).first() if to.isdigit() else None
        try:
            handover = handover_actions.hand_over(actor=request.user, to_agent=to_agent,
                                                  items=items, note=request.POST.get("note", ""))
        except UserError as exc:
            messages.error(request, user_message(exc))
        else:
            messages.success(request, _("已交班，等待 %(name)s 确认接班。") % {"name": to_agent})
            return redirect("service:handover_detail", handover.pk)
    return render(request, "service/chat/handover_new.html", {
        "mine": mine, "agents": agents, "posted": request.POST,
        "page_title": _("交班")})


def _handovers_for(user):
    rows = ShiftHandover.objects.select_related("from_agent", "to_agent").annotate(
        item_count=Count("items")).order_by("-created_at", "-pk")
    if not user_can(user, "service.supervise_chat"):
        rows = rows.filter(Q(from_agent=user) | Q(to_agent=user))
    return rows


@access("service.chat")
def handover_list(request):
    rows = _handovers_for(request.user)
    waiting = list(rows.filter(to_agent=request.user, accepted_at__isnull=True))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "service/chat/handover_list.html", {
        "waiting": waiting, "page": page, "page_title": _("交接班记录")})


@access("service.chat")
def handover_detail(request, pk):
    handover = get_object_or_404(_handovers_for(request.user), pk=pk)
    items = HandoverItem.objects.filter(handover=handover).select_related(
        "conversation__customer", "conversation__agent")
    return render(request, "service/chat/handover_detail.html", {
        "handover": handover, "items": items, "active": Conversation.State.ACTIVE,
        "may_accept": handover.accepted_at is None and handover.to_agent_id == request.user.pk,
        "page_title": _("交接班")})


@require_POST
@access("service.chat")
def handover_accept(request, pk):
    handover = get_object_or_404(_handovers_for(request.user), pk=pk)
    try:
        result = handover_actions.accept_handover(actor=request.user, handover=handover)
    except UserError as exc:
        messages.error(request, user_message(exc))
    else:
        text = _("已确认接班：接手 %(n)s 个会话。") % {"n": len(result["moved"])}
        if result["skipped"]:
            text += _("另有 %(n)s 个会话已结束或已转出，未接手。") % {"n": len(result["skipped"])}
        messages.success(request, text)
    return redirect("service:handover_detail", pk)


urlpatterns = [
    path("chat/quick-replies/", quick_replies, name="quick_replies"),
    path("chat/quick-replies/<int:pk>/remove/", quick_reply_remove, name="quick_reply_remove"),
    path("chat/scripts/", scripts, name="scripts"),
    path("chat/handover/", handover_new, name="handover_new"),
    path("chat/handovers/", handover_list, name="handover_list"),
    path("chat/handovers/<int:pk>/", handover_detail, name="handover_detail"),
    path("chat/handovers/<int:pk>/accept/", handover_accept, name="handover_accept"),
]

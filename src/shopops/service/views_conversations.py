"""会话记录 (CS-1): every conversation — shop chat, platform, phone — with filters; one
conversation with its messages, history and quality result; conversations logged by hand
and imported from platform chat exports."""

import csv
import io
from datetime import datetime, time

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shopops.accounts.models import User
from shopops.core.access import access, user_can
from shopops.core.errors import UserError
from shopops.core.events import history
from shopops.core.i18n import user_message

from . import importing_chat
from .actions import chat_log
from .models import Conversation, ConversationImport, Customer, HandoverItem
from .queries_chat import chat_agents, messages_of

PAGE_SIZE = 50
PROBLEMS_PER_PAGE = 100


def _filters(request):
    get = request.GET
    supervisor = user_can(request.user, "service.supervise_chat")
    agent = get.get("agent", "" if supervisor else str(request.user.pk))
    return {key: get.get(key, "").strip() for key in
            ("state", "source", "stage", "since", "until", "q")} | {"agent": agent}


def _filtered(f):
    rows = Conversation.objects.select_related("customer", "agent").annotate(
        message_count=Count("messages"))
    if f["state"] in Conversation.State.values:
        rows = rows.filter(state=f["state"])
    if f["source"] in Conversation.Source.values:
        rows = rows.filter(source=f["source"])
    if f["stage"] in Conversation.Stage.values:
        rows = rows.filter(stage=f["stage"])
    if f["agent"].isdigit():
        rows = rows.filter(agent_id=int(f["agent"]))
    for key, lookup, bound in (("since", "started_at__gte", time.min),
                               ("until", "started_at__lte", time.max)):
        day = parse_date(f[key]) if f[key] else None
        if day is not None:
            rows = rows.filter(**{lookup: timezone.make_aware(datetime.combine(day, bound))})
    if f["q"]:
        q = f["q"]
        rows = rows.filter(Q(number__icontains=q) | Q(external_id=q) | Q(customer__name=q)
                           | Q(customer__phone=q) | Q(customer__nick=q) | Q(customer__number=q)
                           | Q(subject__icontains=q) | Q(summary__icontains=q)
                           | Q(order__number=q))
    return rows.order_by("-started_at", "-pk")


@access("service.view_conversations")
def conversation_list(request):
    f = _filters(request)
    page = Paginator(_filtered(f), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "service/chat/conversation_list.html", {
        "page": page, "f": f, "states": Conversation.State.choices,
        "sources": Conversation.Source.choices, "stages": Conversation.Stage.choices,
        "agents": chat_agents(), "page_title": _("会话记录")})


def quality_of(conversation):
    """The quality inspection's result, when that part is installed and has scored it."""
    try:
        return conversation.quality
    except (ObjectDoesNotExist, AttributeError):
        return None


@access("service.view_conversations")
def conversation_detail(request, pk):
    conversation = get_object_or_404(Conversation.objects.select_related(
        "customer", "agent", "order", "closed_by", "logged_by"), pk=pk)
    return render(request, "service/chat/conversation_detail.html", {
        "conversation": conversation, "messages_list": messages_of(conversation),
        "events": history(conversation), "quality": quality_of(conversation),
        "handover_items": HandoverItem.objects.filter(conversation=conversation)
        .select_related("handover__from_agent", "handover__to_agent"),
        "may_chat": user_can(request.user, "service.chat"),
        "may_see_orders": user_can(request.user, "orders.view"),
        "page_title": conversation.number})


# --- logged by hand ---------------------------------------------------------------------

def _started(value):
    parsed = parse_datetime(value.replace("T", " ")) if value else None
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


@access("service.log_conversation")
def conversation_log(request):
    post = request.POST
    if request.method == "POST":
        from shopops.orders.models import Order

        number = post.get("customer_number", "").strip()
        customer = Customer.objects.filter(number=number).first() if number else None
        order_no = post.get("order", "").strip()
        order = (Order.objects.filter(Q(number=order_no) | Q(platform_order_no=order_no))
                 .order_by("pk").first() if order_no else None)
        agent_pk = post.get("agent", "")
        agent = User.objects.filter(pk=agent_pk).first() if agent_pk.isdigit() else None
        try:
            if number and customer is None:
                raise UserError("chat_log_no_customer", "找不到客户编号 {number}。",
                                "No customer numbered {number}.", number=number)
            if order_no and order is None:
                raise UserError("chat_no_order", "找不到订单 {number}。", "No order {number}.",
                                number=order_no)
            conversation = chat_log.log_conversation(
                actor=request.user, source=post.get("source", ""),
                started_at=_started(post.get("started_at", "")), customer=customer,
                customer_name=post.get("customer_name", ""),
                customer_phone=post.get("customer_phone", ""),
                customer_nick=post.get("customer_nick", ""), stage=post.get("stage", ""),
                lines=post.get("lines", ""), summary=post.get("summary", ""), order=order,
                agent=agent)
        except UserError as exc:
            messages.error(request, user_message(exc))
        else:
            messages.success(request, _("已录入会话 %(number)s。") % {
                "number": conversation.number})
            return redirect("service:conversation_detail", conversation.pk)
    return render(request, "service/chat/conversation_log.html", {
        "post": post, "sources": [c for c in Conversation.Source.choices
                                  if c[0] in chat_log.LOGGED_SOURCES],
        "stages": Conversation.Stage.choices, "agents": chat_agents(),
        "now": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "page_title": _("录入会话")})


# --- imported from platform exports -----------------------------------------------------

@access("service.log_conversation")
def import_list(request):
    jobs = ConversationImport.objects.select_related("created_by").defer("plan")
    page = Paginator(jobs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "service/chat/import_list.html", {
        "page": page, "header": importing_chat.SAMPLE_HEADER,
        "sources": [c for c in Conversation.Source.choices if c[0] in chat_log.LOGGED_SOURCES],
        "page_title": _("导入聊天记录")})


@require_POST
@access("service.log_conversation")
def import_upload(request):
    try:
        job = chat_log.start_import(actor=request.user, source=request.POST.get("source", ""),
                                    upload=request.FILES.get("file"))
    except UserError as exc:
        messages.error(request, user_message(exc))
        return redirect("service:conversation_import")
    return redirect("service:conversation_import_detail", job.pk)


@access("service.log_conversation")
def import_detail(request, pk):
    job = get_object_or_404(ConversationImport.objects.select_related("created_by")
                            .defer("plan"), pk=pk)
    problems = Paginator(job.problems or [], PROBLEMS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "service/chat/import_detail.html", {
        "job": job, "problems": problems, "counts": job.counts,
        "page_title": _("导入聊天记录")})


@require_POST
@access("service.log_conversation")
def import_apply(request, pk):
    job = get_object_or_404(ConversationImport, pk=pk)
    try:
        chat_log.apply_import(actor=request.user, job=job)
    except UserError as exc:
        messages.error(request, user_message(exc))
    else:
        messages.success(request, _("已导入 %(n)s 个会话。") % {"n": job.counts.get("imported", 0)})
    return redirect("service:conversation_import_detail", pk)


@access("service.log_conversation")
def import_sample(request):
    """A CSV with the documented header and two conversations, to fill in."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(importing_chat.SAMPLE_HEADER)
    writer.writerows([
        ["WW20261201001", "2026-12-01 10:02:11", "客户", "在吗？这款连衣裙有S码吗", "tb_xiaomei88",
         "", "", "", "售前", "", ""],
        ["WW20261201001", "2026-12-01 10:02:40", "客服", "您好，欢迎来到五步商城，请问有什么需要帮助的吗？",
         "tb_xiaomei88", "", "", "presale_cs", "", "", ""],
        ["WW20261201001", "2026-12-01 10:03:05", "客服", "S码有货的，您平时穿多大码呢？", "tb_xiaomei88",
         "", "", "presale_cs", "", "", "已推荐S码，客户下单"],
    ])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="chat-import-sample.csv"'
    return response


urlpatterns = [
    path("conversations/", conversation_list, name="conversation_list"),
    path("conversations/<int:pk>/", conversation_detail, name="conversation_detail"),
    path("conversations/log/", conversation_log, name="conversation_log"),
    path("conversations/import/", import_list, name="conversation_import"),
    path("conversations/import/upload/", import_upload, name="conversation_import_upload"),
    path("conversations/import/sample.csv", import_sample, name="conversation_import_sample"),
    path("conversations/import/<int:pk>/", import_detail, name="conversation_import_detail"),
    path("conversations/import/<int:pk>/apply/", import_apply,
         name="conversation_import_apply"),
]

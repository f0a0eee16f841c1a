"""The customer's side of the chat (CS-1), under /shop/chat/: the widget's panel, starting a
conversation, writing, following the agent's answers live, ending it, and the off-hours
message (留言). An anonymous visitor is known by the key in their session; a signed-in
customer by their shop account, and what they wrote as a visitor joins their record.

Every view answers only for the visitor's own conversation: another one is 403.
"""

from functools import wraps

from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import Resolver404, resolve
from django.views.decorators.http import require_GET, require_POST

from shopops.core.access import PUBLIC, access
from shopops.core.actors import customer_actor
from shopops.core.errors import UserError
from shopops.core.i18n import user_message
from shopops.core.views.live import event_stream
from shopops.storefront.auth import current_customer, visitor_key

from .actions import chat as actions
from .models import Conversation
from .queries_chat import hours_label, in_service_hours, messages_of
from .views_chat import messages_fragment

SESSION_CONVERSATION = "shopops_chat"
SESSION_NAME = "shopops_chat_name"


def shop_actor(request):
    """The chat's actor for this browser: the signed-in customer (after joining what they
    wrote as a visitor to their record) or the anonymous visitor."""
    key = visitor_key(request)
    customer = current_customer(request)
    if customer is not None:
        if Conversation.objects.filter(visitor_key=key, customer__isnull=True).exists():
            actions.join_visitor_conversations(customer=customer, visitor_key=key)
        return customer_actor(customer)
    return actions.VisitorActor(key=key, name=request.session.get(SESSION_NAME, ""))


def join_on_sign_in(request, customer):
    """For the shop's sign-in: the visitor's conversations join the customer at once."""
    return actions.join_visitor_conversations(customer=customer,
                                              visitor_key=visitor_key(request))


def _own(request, pk) -> tuple:
    conversation = get_object_or_404(Conversation.objects.select_related("agent"), pk=pk)
    actor = shop_actor(request)
    conversation.refresh_from_db(fields=["customer"])  # a join just now
    if not actions.owns(actor, conversation):
        return actor, None
    return actor, conversation


def _forbidden():
    return JsonResponse({"code": "chat_not_yours", "message": "这不是您的会话。",
                         "message_en": "This is not your conversation."}, status=403)


def _error(exc: UserError):
    return JsonResponse({**exc.as_dict(), "text": user_message(exc)}, status=exc.status)


def _order_from_page(path, customer):
    """The customer's own order when the chat is opened from one of its pages."""
    if customer is None or not path:
        return None
    try:
        match = resolve(path.split("?", 1)[0])
    except Resolver404:
        return None
    if "order" not in (match.url_name or ""):
        return None
    from shopops.orders.models import Order

    values = [str(v) for v in match.kwargs.values()]
    if not values:
        return None
    query = Q(number__in=values) | Q(pk__in=[v for v in values if v.isdigit()])
    return Order.objects.filter(query, customer=customer).first()


def _current(request, actor):
    """The conversation the panel shows: the one this session last had, while it is the
    visitor's; else their open one."""
    pk = request.session.get(SESSION_CONVERSATION)
    if pk and not request.GET.get("new"):
        conversation = Conversation.objects.select_related("agent").filter(pk=pk).first()
        if conversation is not None and actions.owns(actor, conversation):
            return conversation
    return actions.open_conversation_of(actor)


@require_GET
@access(PUBLIC)
def panel(request):
    """The widget's panel: the conversation, or the form to start one (or, off service
    hours, to leave a message). ?new=1 asks for the form after an ended conversation."""
    actor = shop_actor(request)
    return panel_for(request, _current(request, actor))


@require_POST
@access(PUBLIC)
def start(request):
    actor = shop_actor(request)
    name = request.POST.get("name", "").strip()[:60]
    if name and actions.is_visitor(actor):
        request.session[SESSION_NAME] = name
        actor = actions.VisitorActor(key=actor.key, name=name)
    customer = current_customer(request)
    try:
        conversation = actions.start_conversation(
            actor=actor, body=request.POST.get("body", ""),
            order=_order_from_page(request.POST.get("page", ""), customer))
    except UserError as exc:
        return _error(exc)
    request.session[SESSION_CONVERSATION] = conversation.pk
    return panel_for(request, conversation)


def panel_for(request, conversation):
    return render(request, "service/chat/shop_panel.html", {
        "conversation": conversation,
        "messages_list": messages_of(conversation) if conversation else [],
        "open": in_service_hours(), "hours": hours_label(),
        "signed_in": current_customer(request) is not None,
        "visitor_name": request.session.get(SESSION_NAME, ""),
        "page": request.GET.get("page", "")})


@require_POST
@access(PUBLIC)
def leave(request):
    actor = shop_actor(request)
    try:
        conversation = actions.leave_message(
            actor=actor, body=request.POST.get("body", ""), name=request.POST.get("name", ""),
            contact=request.POST.get("contact", ""))
    except UserError as exc:
        return _error(exc)
    request.session[SESSION_CONVERSATION] = conversation.pk
    return panel_for(request, conversation)


def _for_owner(view):
    """The conversation's own visitor only (403 for anyone else); a refusal as JSON."""
    @wraps(view)
    def wrapper(request, pk):
        actor, conversation = _own(request, pk)
        if conversation is None:
            return _forbidden()
        try:
            return view(request, actor, conversation)
        except UserError as exc:
            return _error(exc)
    return wrapper


@require_POST
@access(PUBLIC)
@_for_owner
def send(request, actor, conversation):
    actions.post_customer_message(actor=actor, conversation=conversation,
                                  body=request.POST.get("body", ""))
    return messages_fragment(request, conversation, side="customer")


@require_GET
@access(PUBLIC)
@_for_owner
def messages(request, actor, conversation):
    return messages_fragment(request, conversation, side="customer")


@require_POST
@access(PUBLIC)
@_for_owner
def end(request, actor, conversation):
    actions.close_conversation(actor=actor, conversation=conversation)
    return panel_for(request, conversation)


@require_GET
@access(PUBLIC)
@_for_owner
def stream(request, actor, conversation):
    """The conversation's live stream, for its own visitor only (403 for anyone else)."""
    return event_stream(request, [actions.topic(conversation)])

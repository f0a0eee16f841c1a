"""Stock documents (INV-4, FUL-3): list, detail with signatures, create/edit a draft,
submit for signing, sign, cancel. Stocktake pages live in views/stocktake.py."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shopops.core.access import LOGIN, access, forbidden, user_can
from shopops.core.errors import UserError
from shopops.core.i18n import user_message
from shopops.core.models import Proposal

from ..actions import documents as actions
from ..forms import DocumentForm, lines_text, parse_lines
from ..models import Document, Move, Warehouse
from . import stocktake
from .stock import annotate_references, may

PAGE_SIZE = 50
K, S = Document.Kind, Document.State
STATE_TAGS = {S.DRAFT: "grey", S.SIGNING: "warn", S.POSTED: "ok", S.COUNTING: "warn",
              S.PROPOSED: "warn", S.CANCELLED: "grey"}


def document_rows(params, user):
    rows = Document.objects.select_related("warehouse", "to_warehouse", "supplier",
                                           "created_by", "handed_by", "received_by")
    if params.get("kind") in K.values:
        rows = rows.filter(kind=params["kind"])
    if params.get("state") in S.values:
        rows = rows.filter(state=params["state"])
    try:
        warehouse = int(params.get("warehouse") or 0)
    except ValueError:
        warehouse = 0
    if warehouse:
        rows = rows.filter(Q(warehouse_id=warehouse) | Q(to_warehouse_id=warehouse))
    q = (params.get("q") or "").strip()
    if q:
        rows = rows.filter(number__icontains=q)
    if params.get("mine"):
        rows = rows.filter(state=S.SIGNING).filter(
            Q(handed_by=user, handed_signed_at__isnull=True)
            | Q(received_by=user, received_signed_at__isnull=True))
    return rows


@access("inventory.view")
def document_list(request):
    page = Paginator(document_rows(request.GET, request.user), PAGE_SIZE).get_page(
        request.GET.get("page"))
    for doc in page:
        doc.tag = STATE_TAGS.get(doc.state, "")
    return render(request, "inventory/document_list.html", {
        "may": may(request.user), "page": page, "f": request.GET, "kinds": K.choices,
        "states": S.choices,
        "warehouses": Warehouse.objects.all(), "page_title": _("库存单据"),
    })


def _my_side(document, user):
    if document.state != S.SIGNING:
        return None
    if user.pk == document.handed_by_id and document.handed_signed_at is None:
        return "handed"
    if user.pk == document.received_by_id and document.received_signed_at is None:
        return "received"
    return None


@access("inventory.view")
def document_detail(request, pk):
    document = get_object_or_404(
        Document.objects.select_related("warehouse", "to_warehouse", "supplier", "created_by",
                                        "handed_by", "received_by", "proposal"), pk=pk)
    lines = list(document.lines.select_related("sku__product", "location", "to_location"))
    moves = annotate_references(list(
        Move.objects.filter(reference=actions.reference(document))
        .select_related("sku", "warehouse", "location", "actor", "counterpart")[:500]))
    cap = actions.KIND_CAP[document.kind]
    may_edit = user_can(request.user, cap)
    proposal = document.proposal
    return render(request, "inventory/document_detail.html", {
        "document": document, "lines": lines, "moves": moves,
        "tag": STATE_TAGS.get(document.state, ""),
        "my_side": _my_side(document, request.user),
        "can_edit": may_edit and document.state == S.DRAFT,
        "can_cancel": document.state in (S.DRAFT, S.SIGNING, S.COUNTING) and (
            may_edit or request.user.pk == document.created_by_id),
        "can_count": may_edit and document.kind == K.STOCKTAKE and document.state == S.COUNTING,
        "can_reopen": may_edit and document.state == S.PROPOSED and proposal is not None
        and proposal.state in (Proposal.State.REJECTED, Proposal.State.WITHDRAWN),
        "differences": [ln for ln in lines if ln.difference],
        "page_title": str(document),
    })


def _form_view(request, kind, document=None):
    if document is None:
        initial = {"handed_by": request.user} if kind != K.RECEIPT else {
            "received_by": request.user}
        if request.GET.get("warehouse"):
            initial["warehouse"] = request.GET["warehouse"]
    else:
        initial = {"warehouse": document.warehouse, "to_warehouse": document.to_warehouse,
                   "supplier": document.supplier, "handed_by": document.handed_by,
                   "received_by": document.received_by, "note": document.note,
                   "lines": lines_text(document)}
    form = DocumentForm(request.POST if request.method == "POST" else None, kind=kind,
                        initial=initial)
    if document is not None:
        form.fields["warehouse"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        warehouse = document.warehouse if document else data["warehouse"]
        try:
            lines = parse_lines(data["lines"], warehouse=warehouse,
                                to_warehouse=data.get("to_warehouse"))
            common = {"actor": request.user, "lines": lines,
                      "to_warehouse": data.get("to_warehouse"), "supplier": data.get("supplier"),
                      "handed_by": data["handed_by"], "received_by": data["received_by"],
                      "note": data["note"]}
            if document is None:
                document = actions.create_document(kind=kind, warehouse=warehouse, **common)
            else:
                actions.update_document(document=document, **common)
        except UserError as exc:
            messages.error(request, user_message(exc))
        else:
            if request.POST.get("and_submit"):
                return _submit(request, document)
            messages.success(request, _("已保存 {number}。").format(number=document.number))
            return redirect(document)
    return render(request, "inventory/document_form.html", {
        "form": form, "kind": kind, "kind_label": K(kind).label, "document": document,
        "page_title": _("修改 {number}").format(number=document.number) if document
        else _("新建{kind}").format(kind=K(kind).label),
    })


@access("inventory.receive")
def receipt_create(request):
    return _form_view(request, K.RECEIPT)


@access("inventory.transfer")
def transfer_create(request):
    return _form_view(request, K.TRANSFER)


@access("inventory.transfer")
def issue_create(request):
    return _form_view(request, K.ISSUE)


@access("inventory.view")
def document_edit(request, pk):
    document = get_object_or_404(Document.objects.select_related("warehouse"), pk=pk)
    if document.kind == K.STOCKTAKE or not user_can(request.user,
                                                    actions.KIND_CAP[document.kind]):
        return forbidden(request)
    if document.state != S.DRAFT:
        messages.error(request, _("只有草稿状态的单据可以修改。"))
        return redirect(document)
    return _form_view(request, document.kind, document)


def _submit(request, document):
    try:
        actions.submit_document(actor=request.user, document=document)
    except UserError as exc:
        messages.error(request, user_message(exc))
    else:
        messages.success(request, _("{number} 已提交，等待交出人和接收人签字。").format(
            number=document.number))
    return redirect("inventory:document_detail", pk=document.pk)


@access("inventory.view")
@require_POST
def document_submit(request, pk):
    return _submit(request, get_object_or_404(Document, pk=pk))


@access(LOGIN)  # the action checks the signer is the named person and may sign
@require_POST
def document_sign(request, pk):
    document = get_object_or_404(Document, pk=pk)
    try:
        document = actions.sign_document(actor=request.user, document=document)
    except UserError as exc:
        messages.error(request, user_message(exc))
    else:
        if document.state == S.POSTED:
            messages.success(request, _("已签字。双方均已签字，{number} 已过账。").format(
                number=document.number))
        else:
            messages.success(request, _("已签字，等待另一方签字。"))
    return redirect("inventory:document_detail", pk=pk)


@access("inventory.view")
@require_POST
def document_cancel(request, pk):
    document = get_object_or_404(Document, pk=pk)
    try:
        actions.cancel_document(actor=request.user, document=document,
                                reason=request.POST.get("reason", ""))
    except UserError as exc:
        messages.error(request, user_message(exc))
    else:
        messages.success(request, _("{number} 已作废。").format(number=document.number))
    return redirect("inventory:document_detail", pk=pk)


urlpatterns = [
    path("documents/", document_list, name="document_list"),
    path("documents/<int:pk>/", document_detail, name="document_detail"),
    path("documents/new/receipt/", receipt_create, name="receipt_create"),
    path("documents/new/transfer/", transfer_create, name="transfer_create"),
    path("documents/new/issue/", issue_create, name="issue_create"),
    path("documents/<int:pk>/edit/", document_edit, name="document_edit"),
    path("documents/<int:pk>/submit/", document_submit, name="document_submit"),
    path("documents/<int:pk>/sign/", document_sign, name="document_sign"),
    path("documents/<int:pk>/cancel/", document_cancel, name="document_cancel"),
    *stocktake.urlpatterns,
]

"""Proposing a listing (上架) or an abnormal delisting (非正常下架) of a product in some
channels (CAT-2, CAT-3, CAT-8). Execution happens on the proposal page, by the editor."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from shopops.core.access import access, forbidden
from shopops.core.actions.approvals import can_propose
from shopops.core.errors import UserError
from shopops.core.i18n import user_message

from ..actions import listing
from ..models import Channel, Listing, Product

L = Listing.State


def _channel_rows(product):
    states = listing.listing_states(product)
    rows = []
    for channel in Channel.objects.filter(active=True):
        row = states.get(channel.pk)
        rows.append({"channel": channel, "listing": row,
                     "state": row.state if row else L.UNLISTED,
                     "listable": row is None or row.state != L.LISTED,
                     "delistable": row is not None and (row.state == L.LISTED or (
                         row.delist_reason == Listing.DelistReason.STOCK_ZERO))})
    return rows


def _propose(request, pk, *, kind, mode):
    product = get_object_or_404(Product, pk=pk)
    if not can_propose(request.user, kind):
        return forbidden(request, "您的岗位不能提出该申请。", "Your role may not propose this.")
    rows = _channel_rows(product)
    reason = ""
    chosen = set()
    if request.method == "POST":
        reason = request.POST.get("reason", "")
        chosen = {v for v in request.POST.getlist("channel") if v.isdigit()}
        channels = [r["channel"] for r in rows if str(r["channel"].pk) in chosen]
        try:
            if not channels:
                raise UserError("no_channels", "请至少选择一个渠道。", "Choose at least one channel.")
            if mode == "list":
                proposal = listing.propose_listing(actor=request.user, product=product,
                                                   channels=channels, reason=reason)
            else:
                proposal = listing.propose_delisting(actor=request.user, product=product,
                                                     channels=channels, reason=reason)
        except UserError as exc:
            messages.error(request, user_message(exc))
        else:
            messages.success(request, _("申请已提交，等待部门经理审批。"))
            return redirect(proposal.get_absolute_url())
    return render(request, "catalog/listing/propose.html", {
        "product": product, "rows": rows, "mode": mode, "reason": reason, "chosen": chosen,
        "page_title": (_("申请上架 · {product}") if mode == "list"
                       else _("申请下架 · {product}")).format(product=product.title),
    }, status=400 if request.method == "POST" else 200)


@access("catalog.view")
def propose_listing(request, pk):
    return _propose(request, pk, kind=listing.LISTING_KIND, mode="list")


@access("catalog.view")
def propose_delisting(request, pk):
    return _propose(request, pk, kind=listing.DELISTING_KIND, mode="delist")


urlpatterns = [
    path("<int:pk>/listing/propose/", propose_listing, name="propose_listing"),
    path("<int:pk>/delisting/propose/", propose_delisting, name="propose_delisting"),
]

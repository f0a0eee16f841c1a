"""Pages of the approval engine (APR-1, APR-2): my proposals, my queue, the history, one
proposal with its buttons, and the configuration of the chains."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from shopops.accounts.models import Role, User

from .. import queries_approvals as queries
from ..access import LOGIN, access, forbidden, user_can
from ..actions import approval_chains as chain_actions
from ..actions import approvals as actions
from ..approvals import KINDS, chain_for, kind_label
from ..errors import PermissionDeniedError, UserError
from ..i18n import user_message
from ..models import Proposal

S = Proposal.State
PAGE_SIZE = 50
MAX_STEPS = 20
DONE = {  # gettext_noop: translated when shown
    "approve": gettext_noop("已批准。"), "reject": gettext_noop("已驳回。"),
    "comment": gettext_noop("评论已发表。"), "withdraw": gettext_noop("已撤回。"),
    "execute": gettext_noop("已执行。"), "submit": gettext_noop("已提交审批。"),
}


def _page(request, rows):
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for proposal in page.object_list:
        _decorate(proposal)
    return page


def _decorate(proposal):
    """What a list row shows, worked out once here rather than in the template."""
    proposal.kind_label = kind_label(proposal.kind)
    proposal.state_tag = queries.STATE_TAGS.get(proposal.state, "")
    step = proposal.current_step
    if step:
        proposal.step_label = step.get("label", "")
    elif proposal.state == S.APPROVED:
        proposal.step_label = "待执行"
    else:
        proposal.step_label = ""
    return proposal


@access(LOGIN)
def my_proposals(request):
    state = request.GET.get("state", "")
    page = _page(request, queries.my_proposals(request.user, state=state))
    return render(request, "core/approvals/mine.html", {
        "page": page, "state": state, "states": S.choices, "page_title": _("我的申请"),
    })


@access(LOGIN)
def waiting(request):
    page = _page(request, queries.waiting_queryset(request.user))
    return render(request, "core/approvals/waiting.html", {"page": page, "page_title": _("待我审批")})


@access(LOGIN)
def history(request):
    everyone = user_can(request.user, queries.VIEW_ALL)
    kind = request.GET.get("kind", "")
    state = request.GET.get("state", "")
    person_id = request.GET.get("person", "")
    person, people = None, []
    if everyone:
        people = list(User.objects.order_by("username").only("pk", "username", "display_name"))
        person = next((p for p in people if str(p.pk) == person_id), None)
    rows = queries.history(request.user, everyone=everyone, kind=kind, state=state, person=person)
    return render(request, "core/approvals/history.html", {
        "page": _page(request, rows), "everyone": everyone, "kind": kind, "state": state,
        "person_id": person_id, "people": people, "page_title": _("审批历史"),
        "kinds": sorted(((k.code, k.label) for k in KINDS.values()), key=lambda kv: kv[1]),
        "states": [(value, label) for value, label in S.choices if value in queries.DECIDED],
    })


@access(LOGIN)
def proposal_detail(request, pk):
    proposal = get_object_or_404(Proposal.objects.select_related("proposer", "executed_by"), pk=pk)
    codes = request.user.role_codes()
    if not queries.can_view(request.user, proposal, codes):
        return forbidden(request, "您无权查看该申请。", "You may not view this proposal.")
    _decorate(proposal)
    role_names = dict(Role.objects.values_list("code", "name"))
    chips = queries.step_chips(proposal)
    for chip in chips:
        chip["role_names"] = "、".join(role_names.get(c, c) for c in chip["roles"])
    timeline = list(proposal.actions.select_related("actor"))
    steps = proposal.chain.get("steps", [])
    for item in timeline:
        if item.verb in ("approve", "reject") and item.step_index is not None \
                and item.step_index < len(steps):
            item.step_label = steps[item.step_index].get("label", "")
    return render(request, "core/approvals/detail.html", {
        "proposal": proposal, "chips": chips, "timeline": timeline,
        "describe": queries.describe(proposal), "payload_rows": queries.payload_rows(proposal),
        "verbs": queries.allowed_verbs(request.user, proposal, codes),
        "page_title": _("申请 #{pk}").format(pk=proposal.pk),
    })


@access(LOGIN)
@require_POST
def proposal_act(request, pk, verb):
    if verb not in DONE:
        raise Http404
    proposal = get_object_or_404(Proposal.objects.select_related("proposer"), pk=pk)
    if not queries.can_view(request.user, proposal):
        return forbidden(request, "您无权处理该申请。", "You may not act on this proposal.")
    comment = request.POST.get("comment", "")
    actor = request.user
    try:
        if verb == "approve":
            actions.approve_proposal(actor=actor, proposal=proposal, comment=comment)
        elif verb == "reject":
            actions.reject_proposal(actor=actor, proposal=proposal, comment=comment)
        elif verb == "comment":
            actions.comment_on_proposal(actor=actor, proposal=proposal, comment=comment)
        elif verb == "withdraw":
            actions.withdraw_proposal(actor=actor, proposal=proposal, comment=comment)
        elif verb == "execute":
            actions.execute_proposal(actor=actor, proposal=proposal)
        else:
            actions.submit_proposal(actor=actor, proposal=proposal)
    except PermissionDeniedError as exc:
        return forbidden(request, exc.message, exc.message_en)
    except UserError as exc:
        messages.error(request, user_message(exc))
    else:
        messages.success(request, _(DONE[verb]))
    return redirect(_back(request, proposal))


def _back(request, proposal):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return proposal.get_absolute_url()


@access("core.manage_approval_chains")
def chain_list(request):
    role_names = dict(Role.objects.values_list("code", "name"))

    def names(codes):
        return "、".join(role_names.get(c, c) for c in codes)

    chains = queries.configured_chains()
    for item in chains:
        chain = item["chain"]
        item["proposers"] = names(chain.get("proposer_roles", [])) or _("所有人")
        item["executors"] = names(chain.get("executor_roles", []))
        item["steps"] = [{"label": s.get("label", ""), "roles": names(s.get("roles", []))}
                         for s in chain.get("steps", [])]
    return render(request, "core/approvals/chain_list.html",
                  {"chains": chains, "page_title": _("审批流程")})


@access("core.manage_approval_chains")
def chain_edit(request, kind):
    spec = KINDS.get(kind)
    if spec is None:
        raise Http404
    status = 200
    if request.method == "POST":
        chain = _posted_chain(request.POST)
        if "add_step" in request.POST:
            chain["steps"].append({"label": "", "roles": []})
        else:
            try:
                chain_actions.change_approval_chain(
                    actor=request.user, kind=kind, proposer_roles=chain["proposer_roles"],
                    executor_roles=chain["executor_roles"],
                    # A row left empty after 添加步骤 is not a step.
                    steps=[s for s in chain["steps"] if s["label"] or s["roles"]],
                )
            except UserError as exc:
                messages.error(request, user_message(exc))
                status = 400
            else:
                messages.success(request, _("「{label}」的审批流程已保存，之后提交的申请按新流程审批。")
                                 .format(label=spec.label))
                return redirect(reverse("core:approval_chains"))
    else:
        chain = chain_for(kind)
    return render(request, "core/approvals/chain_edit.html", {
        "kind": kind, "label": spec.label, "chain": chain,
        "roles": list(Role.objects.order_by("sort_order", "code")),
        "page_title": _("审批流程 · {label}").format(label=spec.label),
    }, status=status)


def _posted_chain(post) -> dict:
    """The chain as typed: steps in the order of their 顺序 numbers, removed ones dropped."""
    try:
        count = min(int(post.get("step_count", 0)), MAX_STEPS)
    except ValueError:
        count = 0
    rows = []
    for i in range(count):
        if post.get(f"step-{i}-remove"):
            continue
        try:
            order = int(post.get(f"step-{i}-order", i + 1))
        except ValueError:
            order = i + 1
        rows.append((order, i, {"label": post.get(f"step-{i}-label", "").strip(),
                                "roles": post.getlist(f"step-{i}-roles")}))
    return {
        "proposer_roles": post.getlist("proposer_roles"),
        "steps": [step for _, _, step in sorted(rows, key=lambda r: (r[0], r[1]))],
        "executor_roles": post.getlist("executor_roles"),
    }

"""Staff accounts, roles and access levels (ROLE-1, ROLE-2). Role and level changes are
proposed here and go through the approval chain; nothing changes until it is executed."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from shopops.core.access import CAPABILITIES, LEVEL_LABELS, access, user_can
from shopops.core.actions.approvals import propose
from shopops.core.approvals import KINDS
from shopops.core.errors import UserError
from shopops.core.events import history
from shopops.core.i18n import user_message
from shopops.core.models import Proposal

from .. import actions
from ..forms import LevelChangeForm, RoleChangeForm, StaffCreateForm
from ..models import Role, RoleAssignment, User

PAGE_SIZE = 50
VERBS = {
    "account.created": "开设账号", "account.password_changed": "修改密码",
    "account.password_reset": "重置密码", "account.locked": "登录锁定",
    "account.roles_changed": "岗位变更", "account.level_changed": "数据权限变更",
    "credential.created": "登记", "credential.revealed": "查看密码",
    "credential.changed": "变更",
}
FIELDS = {"roles": "岗位", "access_level": "数据权限级别", "supervisor": "直属主管"}


def _plain(value) -> str:
    if value is None or value == "" or value == []:
        return "（空）"
    if isinstance(value, list):
        return "、".join(map(str, value))
    return LEVEL_LABELS.get(value, str(value)) if isinstance(value, str) else str(value)


def timeline(events):
    """Events as the _timeline.html include shows them: newest first, before → after."""
    rows = []
    for event in events:
        changes = []
        for name, pair in (event.changes or {}).items():
            before, after = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
            changes.append((FIELDS.get(name, name), _plain(before), _plain(after)))
        rows.append({"at": event.at, "actor": event.actor_name, "summary": event.summary,
                     "verb": VERBS.get(event.verb, event.verb), "changes": changes})
    return rows


def active_role_codes(person) -> set[str]:
    now = timezone.now()
    return {a.role.code for a in person.role_assignments.all() if a.is_active_at(now)}


def _with_roles(queryset):
    assignments = RoleAssignment.objects.select_related("role").order_by("role__sort_order")
    return queryset.select_related("supervisor").prefetch_related(
        Prefetch("role_assignments", queryset=assignments))


@access("accounts.view_staff")
def staff_list(request):
    q = request.GET.get("q", "").strip()
    role = request.GET.get("role", "")
    people = _with_roles(User.objects.all())
    if q:
        people = people.filter(Q(username__icontains=q) | Q(display_name__icontains=q)
                               | Q(employee_no__icontains=q))
    if role:
        people = people.filter(role_assignments__role__code=role).distinct()
    page = Paginator(people.order_by("username"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/staff_list.html", {
        "page": page, "q": q, "role": role, "roles": Role.objects.all(),
        "levels": LEVEL_LABELS, "page_title": _("员工账号"),
    })


def _subject_proposals(user):
    rows = list(Proposal.objects.filter(subject_type=user._meta.label_lower,
                                        subject_id=str(user.pk))
                .select_related("proposer").order_by("-created_at", "-id")[:50])
    for proposal in rows:
        spec = KINDS.get(proposal.kind)
        proposal.kind_label = spec.label if spec else proposal.kind
        proposal.summary = spec.describe(proposal.payload) if spec and spec.describe else ""
    return rows


@access("accounts.view_staff")
def staff_detail(request, pk):
    person = get_object_or_404(_with_roles(User.objects.all()), pk=pk)
    return render(request, "accounts/staff_detail.html", {
        "person": person, "level_label": LEVEL_LABELS.get(person.access_level, ""),
        "proposals": _subject_proposals(person),
        "timeline": timeline(history(person, limit=100)),
        "can_propose": user_can(request.user, "accounts.propose_role_change"),
        "can_manage": user_can(request.user, "accounts.manage_staff"),
        "page_title": _("员工 · {person}").format(person=person),
    })


@access("accounts.manage_staff")
@never_cache
def staff_create(request):
    form = StaffCreateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person, password = actions.create_staff(
                actor=request.user, username=data["username"], display_name=data["display_name"],
                employee_no=data["employee_no"], phone=data["phone"],
                supervisor=data["supervisor"], roles=data["roles"],
                access_level=data["access_level"])
        except UserError as exc:
            messages.error(request, user_message(exc))
        else:
            # Shown once, on this response only: it is stored nowhere but as a hash.
            return render(request, "accounts/temporary_password.html", {
                "person": person, "password": password, "created": True,
                "page_title": _("账号已开设")})
    return render(request, "accounts/staff_form.html", {"form": form, "page_title": _("开设账号")})


@access("accounts.manage_staff")
@require_POST
@never_cache
def reset_password(request, pk):
    person = get_object_or_404(User, pk=pk)
    try:
        password = actions.reset_password(actor=request.user, user=person)
    except UserError as exc:
        messages.error(request, user_message(exc))
        return redirect("accounts:staff_detail", pk=pk)
    return render(request, "accounts/temporary_password.html", {
        "person": person, "password": password, "created": False, "page_title": _("密码已重置")})


@access("accounts.propose_role_change")
def propose_roles(request, pk):
    person = get_object_or_404(_with_roles(User.objects.all()), pk=pk)
    held = active_role_codes(person)
    form = RoleChangeForm(request.POST if request.method == "POST" else None, held=held)
    if request.method == "POST" and form.is_valid():
        try:
            propose(actor=request.user, kind="role_change", title=f"岗位变更：{person}",
                    payload=form.payload(person), reason=form.cleaned_data["reason"],
                    subject=person)
        except UserError as exc:
            messages.error(request, user_message(exc))
        else:
            messages.success(request, _("岗位变更申请已提交，等待审批 (Submitted for approval.)"))
            return redirect("accounts:staff_detail", pk=pk)
    return render(request, "accounts/propose_roles.html", {
        "person": person, "form": form, "page_title": _("岗位变更 · {person}").format(person=person)})


@access("accounts.propose_role_change")
def propose_level(request, pk):
    person = get_object_or_404(User, pk=pk)
    form = LevelChangeForm(request.POST if request.method == "POST" else None, initial={"level": person.access_level})
    if request.method == "POST" and form.is_valid():
        new = form.cleaned_data["level"]
        special = actions.is_special_change(person.access_level, new)
        kind = "special_access_change" if special else "access_level_change"
        try:
            propose(actor=request.user, kind=kind, title=f"{KINDS[kind].label}：{person}",
                    payload={"user_id": person.pk, "user_label": f"{person}（{person.username}）",
                             "from": person.access_level, "to": new},
                    reason=form.cleaned_data["reason"], subject=person)
        except UserError as exc:
            messages.error(request, user_message(exc))
        else:
            messages.success(request, _("数据权限变更申请已提交，等待部门经理和总经理审批 (Submitted.)")
                             if special else _("数据权限变更申请已提交，等待部门经理审批 (Submitted.)"))
            return redirect("accounts:staff_detail", pk=pk)
    return render(request, "accounts/propose_level.html", {
        "person": person, "form": form, "level_label": LEVEL_LABELS[person.access_level],
        "levels": LEVEL_LABELS, "page_title": _("数据权限变更 · {person}").format(person=person)})


def _capability_groups(codes):
    """{group: [(label, level label)]} of a role's capabilities, Chinese labels."""
    groups: dict[str, list] = {}
    for code in sorted(codes):
        cap = CAPABILITIES.get(code)
        if cap is None:  # granted by an app that is not installed here
            groups.setdefault("其他", []).append((code, ""))
            continue
        label = cap.label.split(" / ")[0]
        groups.setdefault(cap.group.split(" ")[0] or "其他", []).append(
            (label, LEVEL_LABELS[cap.level]))
    return dict(sorted(groups.items()))


@access("accounts.view_staff")
def role_list(request):
    today = timezone.localdate()
    current = (Q(assignments__user__is_active=True)
               & (Q(assignments__starts_on__isnull=True) | Q(assignments__starts_on__lte=today))
               & (Q(assignments__ends_on__isnull=True) | Q(assignments__ends_on__gte=today)))
    roles = list(Role.objects.annotate(holder_count=Count("assignments", filter=current)))
    for role in roles:
        role.capability_groups = _capability_groups(role.capabilities)
    return render(request, "accounts/role_list.html", {"roles": roles, "page_title": _("岗位与权限")})

"""The credential vault (ROLE-5): only the named roles see an entry; revealing a secret is
logged; changing one is a proposal the general manager approves."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from shopops.core.access import access, forbidden, user_can
from shopops.core.actions.approvals import propose
from shopops.core.errors import UserError
from shopops.core.events import history
from shopops.core.i18n import user_message

from .. import actions
from ..forms import CredentialChangeForm, CredentialForm
from ..models import Credential, Role
from .staff import timeline

NOT_A_READER = ("您的岗位不在该官方账户的可查看岗位之中。",
                "Your roles are not among those allowed to read this credential.")


def _readable(request, pk):
    """The credential, or None when the viewer's roles are not among its readers."""
    credential = get_object_or_404(Credential, pk=pk)
    return credential if actions.can_read_credential(request.user, credential) else None


def _role_names():
    return dict(Role.objects.values_list("code", "name"))


@access("accounts.view_vault")
def vault_list(request):
    mine = request.user.role_codes()
    # A vault holds tens of entries, and reader_roles is JSON (no portable "overlaps"
    # lookup on SQLite): read them all once and keep the ones this person may see.
    visible = [c for c in Credential.objects.all() if mine & set(c.reader_roles)]
    names = _role_names()
    for credential in visible:
        credential.reader_names = [names.get(code, code) for code in credential.reader_roles]
    return render(request, "accounts/vault_list.html", {
        "credentials": visible, "can_manage": user_can(request.user, "accounts.manage_vault"),
        "page_title": _("官方账户保管库")})


@access("accounts.manage_vault")
def vault_create(request):
    form = CredentialForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            credential = actions.create_credential(actor=request.user, **form.cleaned_data)
        except UserError as exc:
            messages.error(request, user_message(exc))
        else:
            messages.success(request, _("已登记官方账户「{name}」").format(name=credential.name))
            return redirect("accounts:vault_detail", pk=credential.pk)
    return render(request, "accounts/vault_form.html", {"form": form, "page_title": _("登记官方账户")})


def _detail(request, credential, secret=None):
    names = _role_names()
    return render(request, "accounts/vault_detail.html", {
        "credential": credential, "secret": secret,
        "reader_names": [names.get(code, code) for code in credential.reader_roles],
        "timeline": timeline(history(credential, limit=50)),
        "page_title": _("官方账户 · {name}").format(name=credential.name)})


@access("accounts.view_vault")
def vault_detail(request, pk):
    credential = _readable(request, pk)
    if credential is None:
        return forbidden(request, *NOT_A_READER)
    return _detail(request, credential)


@access("accounts.view_vault")
@require_POST
@never_cache
def vault_reveal(request, pk):
    credential = _readable(request, pk)
    if credential is None:
        return forbidden(request, *NOT_A_READER)
    try:
        secret = actions.reveal_secret(actor=request.user, credential=credential)
    except UserError as exc:
        messages.error(request, user_message(exc))
        return redirect("accounts:vault_detail", pk=pk)
    # The plain secret is on this response only (no-store); reloading asks again, and logs.
    return _detail(request, credential, secret=secret)


@access("accounts.view_vault")
def vault_propose_change(request, pk):
    credential = _readable(request, pk)
    if credential is None and not user_can(request.user, "accounts.manage_vault"):
        return forbidden(request, *NOT_A_READER)
    credential = credential or get_object_or_404(Credential, pk=pk)
    form = CredentialChangeForm(request.POST if request.method == "POST" else None,
                                initial={"login": credential.login, "url": credential.url})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            payload = actions.credential_change_payload(
                credential, login=data["login"], url=data["url"], secret=data["secret"])
            propose(actor=request.user, kind="credential_change",
                    title=f"官方账户变更：{credential.name}", payload=payload,
                    reason=data["reason"], subject=credential)
        except UserError as exc:
            messages.error(request, user_message(exc))
        else:
            messages.success(request, _("变更申请已提交，总经理批准后自动生效 (Submitted.)"))
            if actions.can_read_credential(request.user, credential):
                return redirect("accounts:vault_detail", pk=pk)
            return redirect("accounts:vault")
    return render(request, "accounts/vault_change.html", {
        "credential": credential, "form": form, "page_title": _("变更官方账户 · {name}").format(
            name=credential.name)})

"""Registering, signing in and out, and the customer's address book."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shopops.core.access import PUBLIC, access
from shopops.core.errors import UserError
from shopops.core.registry import setting
from shopops.service.models import CustomerAddress

from ..actions import accounts
from ..auth import current_customer, customer_required, shop_actor, sign_in, sign_out
from .common import attempt, channel, error, safe_next


@access(PUBLIC)
def register(request):
    if current_customer(request) is not None:
        return redirect("storefront:home")
    form = {k: request.POST.get(k, "").strip() for k in ("mobile", "name")}
    if request.method == "POST":
        password = request.POST.get("password", "")
        if password != request.POST.get("password2", ""):
            messages.error(request, _("两次输入的密码不一致。"))
        else:
            try:
                account = accounts.register_customer(mobile=form["mobile"], name=form["name"],
                                                     password=password, channel=channel())
            except UserError as exc:
                error(request, exc)
            else:
                sign_in(request, account)
                messages.success(request, _("注册成功，欢迎您，{name}！").format(
                    name=account.customer.name))
                return redirect(safe_next(request, reverse("storefront:home")))
    return render(request, "storefront/account/register.html", {
        "form": form, "next": safe_next(request, ""), "page_title": _("注册"),
        "min_length": setting("storefront.password_min_length")})


@access(PUBLIC)
def login(request):
    if current_customer(request) is not None:
        return redirect(safe_next(request, reverse("storefront:home")))
    mobile = request.POST.get("mobile", "").strip()
    if request.method == "POST":
        try:
            account = accounts.authenticate(mobile=mobile,
                                            password=request.POST.get("password", ""))
        except UserError as exc:
            error(request, exc)
        else:
            sign_in(request, account)
            return redirect(safe_next(request, reverse("storefront:home")))
    return render(request, "storefront/account/login.html", {
        "mobile": mobile, "next": safe_next(request, ""), "page_title": _("登录")})


@access(PUBLIC)
@require_POST
def logout(request):
    sign_out(request)
    messages.success(request, _("您已退出登录。"))
    return redirect("storefront:home")


ADDRESS_KEYS = accounts.ADDRESS_FIELDS


def _address_values(request):
    return {k: request.POST.get(k, "").strip() for k in ADDRESS_KEYS}


@access(PUBLIC)
@customer_required
def account(request):
    customer = current_customer(request)
    return render(request, "storefront/account/account.html", {
        "customer": customer, "addresses": list(customer.addresses.all()),
        "page_title": _("我的账户")})


@access(PUBLIC)
@customer_required
def address_add(request):
    customer = current_customer(request)
    values = _address_values(request) if request.method == "POST" else {}
    if request.method == "POST":
        try:
            accounts.add_address(actor=shop_actor(request), customer=customer, values=values,
                                 make_default=bool(request.POST.get("is_default")))
        except UserError as exc:
            error(request, exc)
        else:
            messages.success(request, _("收货地址已保存。"))
            return redirect(safe_next(request, reverse("storefront:account")))
    return render(request, "storefront/account/address_form.html", {
        "values": values, "next": safe_next(request, ""), "page_title": _("新增收货地址")})


@access(PUBLIC)
@customer_required
def address_edit(request, pk):
    customer = current_customer(request)
    address = CustomerAddress.objects.filter(customer=customer, pk=pk).first()
    if address is None:
        from django.http import Http404

        raise Http404(_("找不到这个收货地址"))
    values = ({k: getattr(address, k) for k in ADDRESS_KEYS} if request.method != "POST"
              else _address_values(request))
    if request.method == "POST":
        try:
            accounts.update_address(actor=shop_actor(request), customer=customer,
                                    address_id=pk, values=values,
                                    make_default=bool(request.POST.get("is_default")))
        except UserError as exc:
            error(request, exc)
        else:
            messages.success(request, _("收货地址已修改。"))
            return redirect(safe_next(request, reverse("storefront:account")))
    return render(request, "storefront/account/address_form.html", {
        "values": values, "address": address, "next": safe_next(request, ""),
        "page_title": _("修改收货地址")})


@access(PUBLIC)
@customer_required
@require_POST
def address_default(request, pk):
    attempt(request, lambda: accounts.set_default_address(
        actor=shop_actor(request), customer=current_customer(request), address_id=pk),
        _("已设为默认地址。"))
    return redirect(safe_next(request, reverse("storefront:account")))


@access(PUBLIC)
@customer_required
@require_POST
def address_delete(request, pk):
    attempt(request, lambda: accounts.delete_address(
        actor=shop_actor(request), customer=current_customer(request), address_id=pk),
        _("收货地址已删除。"))
    return redirect(safe_next(request, reverse("storefront:account")))

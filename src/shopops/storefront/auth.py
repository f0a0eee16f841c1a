"""Signing customers in to the shop. Separate from staff sign-in: the session holds the
shop account's id under its own key, so a customer is never `request.user`.

    customer = current_customer(request)        # service.Customer or None
    @customer_required                          # a shop page for signed-in customers
    actor = shop_actor(request)                 # core.actors.CustomerActor for actions
    key = visitor_key(request)                  # an anonymous visitor's stable key (chat, cart)
    cart = current_cart(request, create=True)   # the customer's or the visitor's cart

Signing in merges the visitor's cart into the customer's; the visitor key stays in the
session, so a chat started before signing in carries on.
"""

import secrets
from functools import wraps
from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from shopops.core.actors import customer_actor

SESSION_KEY = "shopops_shop_account"
VISITOR_KEY = "shopops_visitor"


def current_account(request):
    if not hasattr(request, "_shop_account"):
        from .models import ShopAccount

        account = None
        account_id = request.session.get(SESSION_KEY)
        if account_id:
            account = (ShopAccount.objects.select_related("customer")
                       .filter(pk=account_id, active=True).first())
        request._shop_account = account
    return request._shop_account


def current_customer(request):
    account = current_account(request)
    return account.customer if account is not None else None


def shop_actor(request):
    customer = current_customer(request)
    return customer_actor(customer) if customer is not None else None


def sign_in(request, account):
    from .actions.cart import merge_visitor_cart

    # A new session key on sign-in (session fixation), keeping the visitor's cart and chat.
    request.session.cycle_key()
    request.session[SESSION_KEY] = account.pk
    request._shop_account = account
    request.__dict__.pop("_shop_cart", None)
    type(account).objects.filter(pk=account.pk).update(last_login_at=timezone.now(),
                                                       failed_logins=0, locked_until=None)
    key = request.session.get(VISITOR_KEY)
    if key:
        merge_visitor_cart(customer=account.customer, visitor_key=key)


def sign_out(request):
    request.session.pop(SESSION_KEY, None)
    # A new visitor after signing out: the cart stays with the account, not the browser.
    request.session.pop(VISITOR_KEY, None)
    request._shop_account = None
    request.__dict__.pop("_shop_cart", None)


def visitor_key(request) -> str:
    """A random key identifying this browser's visitor (anonymous chat, cart)."""
    key = request.session.get(VISITOR_KEY)
    if not key:
        key = secrets.token_urlsafe(24)
        request.session[VISITOR_KEY] = key
    return key


def current_cart(request, create=False):
    """The signed-in customer's cart, else this visitor's; None when there is none yet
    (unless `create`). A visitor gets a key only once they put something in a cart."""
    from .actions.cart import cart_for, find_cart

    cart = request.__dict__.get("_shop_cart")
    if cart is not None:
        return cart
    customer = current_customer(request)
    if customer is not None:
        cart = cart_for(customer=customer) if create else find_cart(customer=customer)
    elif create:
        cart = cart_for(visitor_key=visitor_key(request))
    else:
        cart = find_cart(visitor_key=request.session.get(VISITOR_KEY))
    if cart is not None:
        request._shop_cart = cart
    return cart


def customer_required(view):
    """A shop page for signed-in customers; others are sent to sign in and come back."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if current_customer(request) is None:
            login = reverse("storefront:login")
            return redirect(f"{login}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    return wrapper

"""Shop accounts: registration makes a customer record (KH…) and an account; the password
rule; signing in is throttled (ROLE-3's "failed logins are throttled" for customers); the
address book; the visitor's cart joins the customer's on sign-in."""

from datetime import timedelta

import pytest
from django.utils import timezone

from shopops.core.errors import ConflictError, UserError
from shopops.core.models import Event
from shopops.service.models import Customer
from shopops.storefront.actions import accounts
from shopops.storefront.models import Cart, CartItem, ShopAccount
from tests.storefront.conftest import ADDRESS, PASSWORD


def test_register_creates_the_customer_record_and_signs_in(client, shop):
    response = client.post("/shop/register/", {"mobile": "138 0013 8000", "name": "王芳",
                                                "password": "Summer2026", "password2": "Summer2026"})
    assert response.status_code == 302
    account = ShopAccount.objects.select_related("customer").get()
    customer = account.customer
    assert (account.login, customer.name, customer.phone, customer.source) == (
        "13800138000", "王芳", "13800138000", shop.channel)
    assert customer.number.startswith("KH") and customer.number.endswith("-0001")
    assert Event.objects.filter(verb="customer.registered").get().summary == \
        f"商城新顾客注册：王*（{customer.number}）"  # masked (ROLE-6)
    home = client.get("/shop/")
    assert home.context["shop_customer"] == customer
    assert "我的订单" in home.content.decode()


def test_cs4_registering_joins_the_record_customer_service_already_has(shop):
    from shopops.service.actions.chat_log import customer_for

    known = customer_for(actor=None, name="王女士", phone="13800138000")  # a phone call
    account = accounts.register_customer(mobile="13800138000", name="王芳",
                                         password="Summer2026", channel=shop.channel)
    assert account.customer == known and Customer.objects.count() == 1
    assert Event.objects.get(verb="customer.registered").data["known_customer"] is True
    other = accounts.register_customer(mobile="13900139000", name="李婷",
                                       password="Summer2026", channel=shop.channel)
    assert other.customer != known and Customer.objects.count() == 2


@pytest.mark.parametrize("mobile,password,message", [
    ("12345", "Summer2026", "请输入正确的 11 位手机号码。"),
    ("13800138000", "short1", "密码至少 8 位。"),
    ("13800138000", "onlyletters", "密码须同时包含字母和数字。"),
    ("13800138000", "a13800138000", "密码不能包含手机号。"),
])
def test_register_refuses_bad_input_with_a_clear_message(client, shop, mobile, password,
                                                         message):
    response = client.post("/shop/register/", {"mobile": mobile, "name": "王芳",
                                                "password": password, "password2": password})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Customer.objects.exists()


def test_a_number_registers_once(alice):
    with pytest.raises(ConflictError, match="手机号 13800001111 已注册，请直接登录。"):
        accounts.register_customer(mobile="13800001111", name="别人", password="Another2026")
    assert Customer.objects.count() == 1


def test_sign_in_and_out(client, alice):
    response = client.post("/shop/login/", {"mobile": "13800001111", "password": PASSWORD,
                                             "next": "/shop/orders/"})
    assert response["Location"] == "/shop/orders/"
    assert client.get("/shop/orders/").status_code == 200
    client.post("/shop/logout/")
    assert client.get("/shop/orders/")["Location"] == "/shop/login/?next=%2Fshop%2Forders%2F"


def test_sign_in_does_not_follow_a_foreign_next(client, alice):
    response = client.post("/shop/login/", {"mobile": "13800001111", "password": PASSWORD,
                                             "next": "https://evil.example/"})
    assert response["Location"] == "/shop/"


def test_role3_failed_sign_ins_lock_the_account_for_a_while(client, alice, set_setting):
    set_setting("storefront.login_max_failures", 3)
    set_setting("storefront.login_lock_minutes", 15)

    def attempt(password):
        return client.post("/shop/login/", {"mobile": "13800001111", "password": password})

    assert "手机号或密码不正确，再错 2 次账号将暂时锁定。" in attempt("wrong-1").content.decode()
    assert "手机号或密码不正确，再错 1 次账号将暂时锁定。" in attempt("wrong-2").content.decode()
    assert "账号已暂时锁定，请 15 分钟后再试" in attempt("wrong-3").content.decode()
    # Locked: even the right password is refused until the lock runs out.
    assert "账号已暂时锁定" in attempt(PASSWORD).content.decode()
    alice.refresh_from_db()
    assert alice.failed_logins == 3 and alice.locked_until > timezone.now()
    assert Event.objects.filter(verb="shop_account.locked").count() == 1

    ShopAccount.objects.filter(pk=alice.pk).update(
        locked_until=timezone.now() - timedelta(seconds=1))
    assert attempt(PASSWORD).status_code == 302
    alice.refresh_from_db()
    assert (alice.failed_logins, alice.locked_until) == (0, None)


def test_an_unknown_number_reads_like_a_wrong_password(client, alice):
    html = client.post("/shop/login/", {"mobile": "13999999999",
                                         "password": "x"}).content.decode()
    assert "手机号或密码不正确。" in html


def test_address_book_add_edit_default_delete(shop_client, alice):
    client = shop_client(alice)
    first = alice.customer.addresses.get()
    assert first.is_default
    client.post("/shop/account/addresses/new/", {
        **ADDRESS, "recipient": "林大雨", "city": "宁波市", "district": "鄞州区",
        "detail": "天童南路 588 号", "is_default": "1"})
    second = alice.customer.addresses.get(recipient="林大雨")
    first.refresh_from_db()
    assert second.is_default and not first.is_default
    client.post(f"/shop/account/addresses/{first.pk}/", {**ADDRESS, "detail": "文三路 100 号"})
    first.refresh_from_db()
    assert first.detail == "文三路 100 号"
    client.post(f"/shop/account/addresses/{first.pk}/default/")
    first.refresh_from_db()
    assert first.is_default
    client.post(f"/shop/account/addresses/{first.pk}/delete/")
    second.refresh_from_db()
    assert second.is_default and alice.customer.addresses.count() == 1
    html = client.get("/shop/account/").content.decode()
    assert "天童南路 588 号" in html and "默认" in html
    assert set(Event.objects.filter(verb__startswith="customer.address").values_list(
        "verb", flat=True)) == {"customer.address_added", "customer.address_updated",
                                "customer.address_default", "customer.address_deleted"}


def test_an_incomplete_address_says_what_is_missing(shop_client, alice):
    client = shop_client(alice)
    response = client.post("/shop/account/addresses/new/", {"recipient": "林小雨",
                                                            "phone": "12"})
    assert "请填写：省、市、详细地址。" in response.content.decode()
    with pytest.raises(UserError, match="联系电话格式不正确"):
        accounts.add_address(actor=None, customer=alice.customer,
                             values={**ADDRESS, "phone": "12345"})


def test_another_customers_address_is_not_found(shop_client, alice, make_customer):
    bob = make_customer("张伟")
    client = shop_client(alice)
    theirs = bob.customer.addresses.get()
    assert client.get(f"/shop/account/addresses/{theirs.pk}/").status_code == 404
    client.post(f"/shop/account/addresses/{theirs.pk}/delete/")
    assert bob.customer.addresses.count() == 1


def test_the_visitors_cart_merges_into_the_customers_on_sign_in(client, alice, dress,
                                                                 shop_client):
    floral_s, floral_m, navy_s, _ = dress.skus.order_by("pk")
    # Alice put one floral S in her cart on another device earlier.
    other = shop_client(alice)
    other.post("/shop/cart/add/", {"sku": floral_s.pk, "quantity": 1})
    # Now, not signed in, she adds two floral S and a navy S, then signs in.
    client.post("/shop/cart/add/", {"sku": floral_s.pk, "quantity": 2})
    client.post("/shop/cart/add/", {"sku": navy_s.pk, "quantity": 1})
    assert client.get("/shop/cart/").context["cart"].count == 3
    client.post("/shop/login/", {"mobile": alice.login, "password": PASSWORD})
    cart = Cart.objects.get(customer=alice.customer)
    assert dict(cart.items.values_list("sku_id", "quantity")) == {floral_s.pk: 3, navy_s.pk: 1}
    assert not Cart.objects.filter(customer__isnull=True).exists()
    assert client.get("/shop/").context["cart_count"] == 4
    # Signing out leaves the cart with the account, not with the browser.
    client.post("/shop/logout/")
    assert client.get("/shop/").context["cart_count"] == 0
    assert CartItem.objects.filter(cart=cart).count() == 2


def test_abandoned_visitor_carts_are_removed_customers_carts_stay(client, alice, dress,
                                                                  shop_client):
    from shopops.storefront.jobs import purge_visitor_carts

    client.post("/shop/cart/add/", {"sku": dress.skus.first().pk, "quantity": 1})
    shop_client(alice).post("/shop/cart/add/", {"sku": dress.skus.first().pk, "quantity": 1})
    old = timezone.now() - timedelta(days=31)
    Cart.objects.update(updated_at=old)
    assert purge_visitor_carts() == 1
    assert list(Cart.objects.values_list("customer", flat=True)) == [alice.customer_id]

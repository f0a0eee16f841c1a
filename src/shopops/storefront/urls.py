"""The shop, under /shop/ (namespace storefront)."""

from django.urls import path

from .views import account, cart, checkout, orders, pay, shop, staff

app_name = "storefront"

urlpatterns = [
    path("", shop.home, name="home"),
    path("search/", shop.search, name="search"),
    path("c/<int:pk>/", shop.category, name="category"),
    path("p/<int:pk>/", shop.product, name="product"),
    path("cart/", cart.cart, name="cart"),
    path("cart/add/", cart.cart_add, name="cart_add"),
    path("cart/<int:item>/update/", cart.cart_update, name="cart_update"),
    path("cart/<int:item>/remove/", cart.cart_remove, name="cart_remove"),
    path("checkout/", checkout.checkout, name="checkout"),
    path("login/", account.login, name="login"),
    path("logout/", account.logout, name="logout"),
    path("register/", account.register, name="register"),
    path("account/", account.account, name="account"),
    path("account/addresses/new/", account.address_add, name="address_add"),
    path("account/addresses/<int:pk>/", account.address_edit, name="address_edit"),
    path("account/addresses/<int:pk>/default/", account.address_default,
         name="address_default"),
    path("account/addresses/<int:pk>/delete/", account.address_delete, name="address_delete"),
    path("orders/", orders.my_orders_page, name="my_orders"),
    path("orders/<int:pk>/", orders.my_order, name="my_order"),
    path("orders/<int:pk>/placed/", checkout.order_placed, name="order_placed"),
    path("orders/<int:pk>/pay/", checkout.pay, name="pay"),
    path("orders/<int:pk>/cancel/", orders.order_cancel, name="order_cancel"),
    path("orders/<int:pk>/confirm/", orders.order_confirm, name="order_confirm"),
    path("orders/<int:pk>/review/", orders.order_review, name="order_review"),
    path("pay/sandbox/<str:number>/", pay.sandbox_pay, name="sandbox_pay"),
    path("pay/notify/<slug:provider>/", pay.payment_notify, name="payment_notify"),
    path("pay/return/<str:number>/", pay.payment_return, name="payment_return"),
    path("manage/payments/", staff.payments, name="staff_payments"),
]

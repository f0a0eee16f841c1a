"""Navigation of the order pages."""

from django.utils.translation import gettext_noop

from shopops.core.nav import nav_item

S = gettext_noop("订单 Orders")
nav_item(S, gettext_noop("订单"), "orders:order_list", "orders.view", order=15)
nav_item(S, gettext_noop("录入订单"), "orders:order_create", "orders.create", order=16)
nav_item(S, gettext_noop("订单导入"), "orders:import_list", "orders.create", order=17)
nav_item(S, gettext_noop("每日异常订单"), "orders:daily_check", "orders.view", order=18)

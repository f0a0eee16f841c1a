"""Navigation: the staff page of shop payments, beside the orders."""

from django.utils.translation import gettext_noop

from shopops.core.nav import nav_item

nav_item(gettext_noop("订单 Orders"), gettext_noop("商城支付"), "storefront:staff_payments",
         "orders.view", order=19)

"""Navigation of the customer-service pages."""

from django.utils.translation import gettext_noop

from shopops.core.nav import nav_item

S = gettext_noop("客服 Service")
nav_item(S, gettext_noop("个人信息查看记录"), "service:pii_reveals", "service.view_pii_reveals",
         order=69)

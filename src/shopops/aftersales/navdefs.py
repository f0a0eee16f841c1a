"""Navigation of the after-sales pages."""

from django.utils.translation import gettext_noop

from shopops.core.nav import nav_item

S = gettext_noop("售后 After-sales")
nav_item(S, gettext_noop("售后单"), "aftersales:request_list", "aftersales.view", order=40)
nav_item(S, gettext_noop("售后来件登记"), "aftersales:parcel_list", "aftersales.receive",
         order=41)
nav_item(S, gettext_noop("退款维权总览"), "aftersales:supervisor_day", "aftersales.supervise",
         order=42)
nav_item(S, gettext_noop("售后责任"), "aftersales:liability_list", "aftersales.liability",
         order=43)
nav_item(S, gettext_noop("售后员差错"), "aftersales:fault_list", "aftersales.review_receiving",
         order=44)

"""Navigation of the warehouse-line pages, in the order of the line."""

from django.utils.translation import gettext_noop

from shopops.core.nav import nav_item

S = gettext_noop("发货 Fulfillment")
nav_item(S, gettext_noop("审单"), "fulfillment:review_queue", "fulfillment.view", order=20)
nav_item(S, gettext_noop("审单规则"), "fulfillment:rule_list", "fulfillment.view", order=21)
nav_item(S, gettext_noop("波次打单"), "fulfillment:wave_list", "fulfillment.view", order=22)
nav_item(S, gettext_noop("调拨申请"), "fulfillment:transfer_list", "fulfillment.view", order=23)
nav_item(S, gettext_noop("验货台"), "fulfillment:verify_station", "fulfillment.verify", order=24)
nav_item(S, gettext_noop("打包"), "fulfillment:pack_station", "fulfillment.pack", order=25)
nav_item(S, gettext_noop("快递交接"), "fulfillment:handover_list", "fulfillment.view", order=26)
nav_item(S, gettext_noop("物流跟踪"), "fulfillment:tracking_list", "fulfillment.view", order=27)
nav_item(S, gettext_noop("发货汇总"), "fulfillment:summary_list", "fulfillment.view", order=28)
nav_item(S, gettext_noop("今日未完成"), "fulfillment:end_of_day", "fulfillment.view", order=29)

"""Navigation of the inventory pages."""

from django.utils.translation import gettext_noop

from shopops.core.nav import nav_item

# gettext_noop only marks the labels for the message catalog; base.html translates them when shown.

S = gettext_noop("仓储 Inventory")
nav_item(S, gettext_noop("库存"), "inventory:stock_list", "inventory.view", order=30)
nav_item(S, gettext_noop("库存单据"), "inventory:document_list", "inventory.view", order=31)
nav_item(S, gettext_noop("库存流水"), "inventory:move_list", "inventory.view", order=32)
nav_item(S, gettext_noop("仓库与库位"), "inventory:warehouse_list", "inventory.view", order=33)

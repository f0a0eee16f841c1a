"""Navigation of the catalog pages."""

from django.utils.translation import gettext_noop

from shopops.core.nav import nav_item

# gettext_noop only marks the labels for the message catalog; base.html translates them when shown.

C = gettext_noop("商品 Catalog")
nav_item(C, gettext_noop("商品"), "catalog:product_list", "catalog.view", order=20)
nav_item(C, gettext_noop("价格管理"), "catalog:price_list", "catalog.view", order=21)
nav_item(C, gettext_noop("商品信息审核"), "catalog:submission_list", "catalog.review_submissions",
         order=22)
nav_item(C, gettext_noop("我的报送"), "catalog:submission_mine", "catalog.submit_info", order=22)
nav_item(C, gettext_noop("货架规划"), "catalog:shelf_plan", "catalog.plan_shelf", order=23)
nav_item(C, gettext_noop("导入导出"), "catalog:import_list", "catalog.import", order=24)
nav_item(C, gettext_noop("导出"), "catalog:export", "catalog.export", order=24)
nav_item(C, gettext_noop("类目·品牌·渠道"), "catalog:reference", "catalog.manage_reference",
         order=25)

from shopops.core.nav import nav_item

C = "商品 Catalog"
nav_item(C, "商品", "catalog:product_list", "catalog.view", order=20)
nav_item(C, "价格管理", "catalog:price_list", "catalog.view", order=21)
nav_item(C, "商品信息审核", "catalog:submission_list", "catalog.review_submissions", order=22)
nav_item(C, "我的报送", "catalog:submission_mine", "catalog.submit_info", order=22)
nav_item(C, "货架规划", "catalog:shelf_plan", "catalog.plan_shelf", order=23)
nav_item(C, "导入导出", "catalog:import_list", "catalog.import", order=24)
nav_item(C, "导出", "catalog:export", "catalog.export", order=24)
nav_item(C, "类目·品牌·渠道", "catalog:reference", "catalog.manage_reference", order=25)

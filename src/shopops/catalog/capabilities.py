from shopops.accounts.roles import register_role_defaults
from shopops.core.access import capability

G = "商品 Catalog"
capability("catalog.view", "查看商品与价格 / view products and prices", level="read", group=G)
capability("catalog.edit_products", "维护商品资料 / edit products and SKUs", group=G)
capability("catalog.manage_reference", "维护类目、品牌、渠道、供应商 / manage reference data",
           group=G)
capability("catalog.upload_media", "上传商品素材 / upload product media", group=G)
capability("catalog.record_competitor_price", "记录竞品价格 / record competitor prices",
           group=G)
capability("catalog.submit_info", "报送商品信息 / submit product information", group=G)
capability("catalog.review_submissions", "审核商品信息 / review submitted information", group=G)
capability("catalog.plan_shelf", "货架展示规划 / plan the shelves", group=G)
capability("catalog.import", "批量导入 / bulk import", group=G)
capability("catalog.export", "导出商品数据（留痕）/ export catalog data (audited)", group=G)

_VIEWERS = ["manager", "general_manager", "editor", "planner", "designer", "product_manager",
            "presale_cs", "aftersale_cs", "cs_supervisor", "warehouse_supervisor", "reviewer",
            "printer", "picker", "verifier", "packer", "returns_receiver", "promotion",
            "analyst", "finance"]
register_role_defaults({code: ["catalog.view"] for code in _VIEWERS})
register_role_defaults({
    "product_manager": ["catalog.edit_products", "catalog.manage_reference",
                        "catalog.upload_media", "catalog.record_competitor_price",
                        "catalog.submit_info", "catalog.review_submissions", "catalog.import",
                        "catalog.export"],
    "editor": ["catalog.edit_products", "catalog.upload_media", "catalog.submit_info",
               "catalog.review_submissions", "catalog.plan_shelf", "catalog.import",
               "catalog.export"],
    "planner": ["catalog.plan_shelf", "catalog.record_competitor_price", "catalog.submit_info"],
    "designer": ["catalog.upload_media"],
    "analyst": ["catalog.record_competitor_price", "catalog.export"],
    "manager": ["catalog.manage_reference", "catalog.export"],
    "sysadmin": ["catalog.manage_reference"],
})

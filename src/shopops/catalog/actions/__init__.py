"""The only code that changes the catalog: one module per use case (products, reference,
media, shelf, submissions; listing and pricing beside them). Every action is one
transaction and records an event.

How the catalog's events read in the event log and object histories is registered here,
so it is in place whenever any catalog action can have run.
"""

from shopops.core.event_labels import register_object_url, register_verbs

register_verbs({
    "product.created": "新建商品",
    "product.updated": "修改商品资料",
    "product.status_changed": "商品状态变更",
    "sku.added": "新增SKU",
    "sku.updated": "修改SKU",
    "sku.deactivated": "停用SKU",
    "media.uploaded": "上传素材",
    "media.deleted": "删除素材",
    "media.reordered": "调整素材顺序",
    "category.created": "新建类目",
    "category.renamed": "类目改名",
    "category.moved": "移动类目",
    "category.sorted": "调整类目排序",
    "brand.created": "新建品牌",
    "brand.updated": "修改品牌",
    "supplier.created": "新建供应商",
    "supplier.updated": "修改供应商",
    "channel.created": "新建销售渠道",
    "channel.updated": "修改销售渠道",
    "shelf.slot_added": "新增货架位",
    "shelf.slot_moved": "调整货架位顺序",
    "shelf.slot_rescheduled": "修改展示时间",
    "shelf.slot_removed": "移除货架位",
    "submission.submitted": "报送商品信息",
    "submission.resubmitted": "重新报送商品信息",
    "submission.accepted": "审核通过商品信息",
    "submission.returned": "退回商品信息（要求重新采集）",
})
register_object_url("catalog.product", "catalog:product_detail", label="商品")
register_object_url("catalog.submission", "catalog:submission_detail", label="商品信息报送")

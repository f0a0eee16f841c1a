"""Bulk import and export of products, SKUs, prices and stock (CAT-9).

    readers.py   bytes of an xlsx/CSV → rows of text (encodings, blank rows, Excel quirks)
    columns.py   the Chinese headers of each kind and their aliases
    validate.py  header mapping, cell readers, the per-row error list
    products.py, prices.py, stock.py   each kind: check(rows) → plan, apply(plan)
    export.py    the same columns out again, streamed, in xlsx or CSV
    samples.py   the template files offered for download

The flow (catalog/actions/imports.py): upload → parse and check every row in the
background → preview listing every bad row → confirm → apply all or nothing.
"""

from shopops.core.event_labels import TYPE_LABELS, register_object_url, register_verbs

register_verbs({
    "import.uploaded": "上传导入文件",
    "import.previewed": "导入预检完成",
    "import.confirmed": "确认导入",
    "import.applied": "批量导入完成",
    "import.failed": "批量导入失败",
    "catalog.exported": "导出商品数据",
})
register_object_url("catalog.importjob", "catalog:import_detail", label="导入任务")
# Exports have no row of their own: the event is the record (ROLE-4).
TYPE_LABELS["catalog.export"] = "商品数据导出"

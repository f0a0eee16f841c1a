"""Demo imports (CAT-9): the product manager's summer-bedding file, checked and imported
(its file kept with the job), and the editor's new-arrivals file waiting for correction —
two bad rows (a category the catalog does not have, a mistyped EAN-13).

Runs after catalog.demo (categories, brands, suppliers) through the import actions, as
the people whose post does it. `load(people)` is called once by ops.demo.
"""

import io
import logging

from django.core.files.uploadedfile import SimpleUploadedFile

from .actions.imports import confirm_import, start_import
from .barcodes import gs1_check_digit
from .importing import refs
from .models import Sku

logger = logging.getLogger("shopops.demo")

HEADERS = ["款号", "商品标题", "类目", "品牌", "供应商编码", "商家编码", "条码", "颜色", "尺码",
           "规格:面料", "重量(克)", "成本价(元)", "售价(元)"]
# 款号, 标题, 类目, 品牌, 供应商, [(颜色, 尺码/规格)], 面料, 重量, 成本, 售价
SUMMER = [
    ("XL2026-01", "莫代尔冰丝夏凉被", "家居/夏凉被", "织梦家纺", "S002",
     [("浅灰", "150×200cm"), ("浅灰", "200×230cm"), ("雾霾蓝", "200×230cm")], "莫代尔", 1400,
     "96.00", "239.00"),
    ("XL2026-02", "纯棉格纹床品四件套", "家居/床品四件套", "织梦家纺", "S005",
     [("燕麦", "1.5米床"), ("燕麦", "1.8米床")], "纯棉", 2500, "158.00", "429.00"),
    ("XL2026-03", "竹纤维提花毛巾两条装", "家居/毛巾浴巾", "织梦家纺", "S005",
     [("米白", "34×76cm"), ("豆沙粉", "34×76cm")], "竹纤维", 300, "21.50", "59.90"),
]
ARRIVALS = [
    ("XK2026-11", "亚麻混纺短袖衬衫", "女装/衬衫", "五步", "S001",
     [("米白", "S"), ("米白", "M"), ("米白", "L")], "亚麻", 230, "62.00", "189.00"),
    ("XK2026-12", "轻薄羽绒马甲", "女装/羽绒服", "五步", "S001",  # no such category (yet)
     [("黑色", "M")], "白鸭绒", 260, "118.00", "359.00"),
]


def _barcodes(count: int, start: int) -> list[str]:
    """Valid EAN-13s the catalog does not use yet."""
    taken = set(Sku.objects.values_list("barcode", flat=True))
    out, n = [], start
    while len(out) < count:
        body = f"69377{n:07d}"
        code = body + str(gs1_check_digit(body))
        if code not in taken:
            out.append(code)
        n += 1
    return out


def _rows(products, barcodes):
    rows = []
    for code, title, category, brand, supplier, variants, fabric, weight, cost, price in products:
        for i, (colour, size) in enumerate(variants, start=1):
            rows.append([code, title, category, brand, supplier, f"{code}-{i:02d}",
                         barcodes.pop(0), colour, size, fabric, weight, cost, price])
    return rows


def _xlsx(rows) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "商品"
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def load(people):
    known = refs.categories()
    if known.find("家居/夏凉被")[1] or known.find("女装/衬衫")[1]:
        logger.info("demo imports skipped: the demo catalog is not loaded")
        return
    pm, editor = people["product_manager"], people["editor"]

    done_rows = _rows(SUMMER, _barcodes(7, 1))
    job = start_import(actor=pm, kind="products", background=False,
                       upload=SimpleUploadedFile("2026夏季床品上新.xlsx", _xlsx(done_rows)))
    if job.state == job.State.PREVIEW:
        confirm_import(actor=pm, job=job, background=False)
    else:  # the demo catalog changed under us: show the job as it is
        logger.warning("demo import %s did not pass its check: %s", job.pk, job.errors[:3])

    rows = _rows(ARRIVALS, _barcodes(4, 101))
    bad = rows[1][6]
    rows[1][6] = bad[:-1] + str((int(bad[-1]) + 3) % 10)  # a digit typed wrong
    start_import(actor=editor, kind="products", background=False,
                 upload=SimpleUploadedFile("秋季上新-刘芳.xlsx", _xlsx(rows)))

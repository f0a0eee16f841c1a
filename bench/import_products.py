"""How fast a 10,000-row products xlsx imports (CAT-9: "a 10,000-row file imports in seconds").

    SHOPOPS_HOME=/tmp/bench .venv/bin/python bench/import_products.py [--rows 10000] [--keep]
    DATABASE_URL=postgres://… .venv/bin/python bench/import_products.py

Creates a scratch database (the test database name of the configured one), the reference
data, an xlsx of N rows (N/5 products × 5 sizes), then times the two steps a person waits
for: parse + check (the preview) and apply (after 确认导入). Prints rows per second.
"""

import argparse
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shopops.settings")


def build_file(rows: int) -> bytes:
    import openpyxl

    from shopops.catalog.barcodes import gs1_check_digit

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("商品")
    sheet.append(["款号", "商品标题", "类目", "品牌", "供应商编码", "商家编码", "条码", "颜色",
                  "尺码", "规格:面料", "重量(克)", "成本价(元)", "售价(元)"])
    sizes = ["S", "M", "L", "XL", "XXL"]
    for n in range(rows):
        product, size = divmod(n, 5)
        body = f"69{n + 1:010d}"
        sheet.append([f"BENCH{product:05d}", f"法式碎花雪纺连衣裙 {product} 号款", "女装/连衣裙", "五步",
                      "GYS01", f"BENCH{product:05d}-{sizes[size]}",
                      body + str(gs1_check_digit(body)), "雾霾蓝", sizes[size], "雪纺", 320,
                      89.5, 199.9])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    settings.MEDIA_ROOT = Path(settings.VAR_DIR) / "bench-media"
    creation = connection.creation
    name = creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        run(args.rows)
    finally:
        if not args.keep:
            creation.destroy_test_db(name, verbosity=0)


def run(rows: int):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from shopops.accounts.models import Role, RoleAssignment, User
    from shopops.catalog.actions.imports import confirm_import, start_import
    from shopops.catalog.models import Brand, Category, Product, Sku
    from shopops.purchasing.models import Supplier

    women = Category.objects.create(name="女装")
    women.path = f"/{women.pk}/"
    women.save()
    dress = Category.objects.create(name="连衣裙", parent=women)
    dress.path = f"/{women.pk}/{dress.pk}/"
    dress.save()
    Brand.objects.create(name="五步")
    Supplier.objects.create(code="GYS01", name="杭州织造有限公司")
    actor = User.objects.create_user(username="bench", password="Bench@2026x",
                                     display_name="压测")
    RoleAssignment.objects.create(user=actor, role=Role.objects.get(code="product_manager"))

    started = time.perf_counter()
    data = build_file(rows)
    built = time.perf_counter() - started
    print(f"xlsx of {rows} rows: {len(data) / 1048576:.1f} MB, built in {built:.2f} s")

    started = time.perf_counter()
    job = start_import(actor=actor, kind="products",
                       upload=SimpleUploadedFile("bench.xlsx", data), background=False)
    parsed = time.perf_counter() - started
    assert job.state == job.State.PREVIEW, job.errors[:3]
    started = time.perf_counter()
    job = confirm_import(actor=actor, job=job, background=False)
    applied = time.perf_counter() - started
    assert job.state == job.State.DONE, job.summary
    assert Sku.objects.count() == rows and Product.objects.count() == rows // 5
    total = parsed + applied
    vendor = __import__("django.db", fromlist=["connection"]).connection.vendor
    print(f"database: {vendor}")
    print(f"parse + check (preview): {parsed:6.2f} s  {rows / parsed:8.0f} rows/s")
    print(f"apply (re-check + write): {applied:6.2f} s  {rows / applied:8.0f} rows/s")
    print(f"total:                   {total:6.2f} s  {rows / total:8.0f} rows/s")


if __name__ == "__main__":
    main()

"""Helpers and fixtures for the CAT-9 import/export tests (imported by test_import_*.py and
test_export.py; kept out of conftest.py, which other catalog tests share). A test module
imports `ref_fixture`/`media_fixture` to make the fixtures `ref`/`media` available."""

import csv
import io
import itertools

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shopops.catalog.actions.imports import confirm_import, start_import
from shopops.catalog.importing.readers import read_table
from shopops.inventory.models import Warehouse
from shopops.purchasing.models import Supplier
from tests.factories import channel, ean13, make_brand, make_category

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
PRODUCT_HEADERS = ["款号", "商品标题", "类目", "品牌", "供应商编码", "商家编码", "条码", "颜色",
                   "尺码", "规格:面料", "重量(克)", "成本价(元)", "售价(元)"]
_bodies = itertools.count(100_000)


@pytest.fixture(name="media")
def media_fixture(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = IMMEDIATE
    return settings.MEDIA_ROOT


@pytest.fixture(name="ref")
def ref_fixture(db, media):
    """The reference data the files name: 女装/连衣裙, 家居/床品, brand 五步, supplier GYS01,
    channels, a warehouse."""
    women = make_category("女装")
    home = make_category("家居")
    return {
        "dress": make_category("连衣裙", parent=women),
        "bedding": make_category("床品", parent=home),
        "brand": make_brand("五步"),
        "supplier": Supplier.objects.create(code="GYS01", name="杭州织造有限公司",
                                            kind=Supplier.Kind.BRAND),
        "b2c": channel("b2c"), "tmall": channel("tmall"), "jd": channel("jd"),
        "warehouse": Warehouse.objects.create(code="hz", name="杭州主仓"),
    }


def new_barcode() -> str:
    return ean13(f"69{next(_bodies):010d}")


def product_rows(products=2, skus=3, prefix="LY"):
    """Valid rows: `products` dresses with `skus` sizes each, prices with fen."""
    sizes = ["S", "M", "L", "XL", "XXL"]
    rows = []
    for p in range(1, products + 1):
        for s in range(skus):
            rows.append([f"{prefix}{p:04d}", f"法式碎花连衣裙 {p} 号款", "女装/连衣裙", "五步", "GYS01",
                         f"{prefix}{p:04d}-{sizes[s % 5]}{s // 5 or ''}", new_barcode(), "雾霾蓝",
                         sizes[s % 5], "雪纺", "320", "89.5", "199.9"])
    return rows


def xlsx_bytes(headers, rows, extra_blank_rows=0) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    for _ in range(extra_blank_rows):
        sheet.append([None] * len(headers))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(headers, rows, encoding="utf-8-sig", delimiter=",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def upload(data: bytes, name="商品.xlsx"):
    return SimpleUploadedFile(name, data)


def preview(actor, kind, data, name="商品.xlsx"):
    """Upload and check at once (what the background task does)."""
    return start_import(actor=actor, kind=kind, upload=upload(data, name), background=False)


def run(actor, kind, data, name="商品.xlsx"):
    """Upload, check and, when the check passes, confirm and apply."""
    job = preview(actor, kind, data, name)
    if job.state == job.State.PREVIEW:
        job = confirm_import(actor=actor, job=job, background=False)
    return job


def table(data, name="x.xlsx"):
    return read_table(data, name, max_rows=100_000)

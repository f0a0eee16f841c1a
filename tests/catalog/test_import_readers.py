"""CAT-9: reading the files people actually have — xlsx, CSV in UTF-8 (with or without BOM)
or GB18030, Chinese headers and their aliases, full-width digits, stray blanks."""

import io

import openpyxl
import pytest

from shopops.catalog.importing.readers import read_table
from shopops.catalog.models import ImportJob, Product, Sku
from shopops.core.errors import UserError

from .import_helpers import (  # noqa: F401  (fixtures)
    PRODUCT_HEADERS,
    csv_bytes,
    media_fixture,
    preview,
    product_rows,
    ref_fixture,
    run,
    table,
    xlsx_bytes,
)

ROWS = [["LY0001", "法式碎花连衣裙（雪纺）", "女装/连衣裙", "五步", "GYS01", "LY0001-M", "6901234567892",
         "雾霾蓝", "M", "雪纺", "320", "89.50", "199.90"]]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_cat9_csv_in_utf8_with_or_without_bom_and_gb18030_reads_the_same(encoding):
    data = csv_bytes(PRODUCT_HEADERS, ROWS, encoding=encoding)
    if encoding == "gb18030":
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")  # really a GB file, as Excel on Chinese Windows saves it
    read = table(data, "商品.csv")
    assert read.headers == PRODUCT_HEADERS
    assert read.rows == [(2, ROWS[0])]


def test_cat9_xlsx_numbers_come_back_as_the_text_people_typed():
    rows = [["LY0001", "连衣裙", "女装/连衣裙", "五步", "GYS01", "LY0001-M", 6901234567892, "雾霾蓝", "M",
             "雪纺", 320.0, 89.5, 199.9]]
    read = table(xlsx_bytes(PRODUCT_HEADERS, rows, extra_blank_rows=30))
    assert read.rows == [(2, ["LY0001", "连衣裙", "女装/连衣裙", "五步", "GYS01", "LY0001-M",
                              "6901234567892", "雾霾蓝", "M", "雪纺", "320", "89.5", "199.9"])]


def test_cat9_xlsx_read_directly_and_by_openpyxl_agree():
    """The fast sheet reader and openpyxl's read-only mode give the same rows (shared
    strings, inline strings, gaps, numbers, a second sheet that is not read)."""
    from shopops.catalog.importing import readers

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["款号", "商品标题", "售价(元)"])
    sheet["A3"], sheet["C3"] = "LY01", 1299.5
    sheet["B5"] = "=不是公式"
    sheet["B5"].data_type = "s"
    sheet["D6"] = True
    workbook.create_sheet("说明").append(["不读这里"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    fast = read_table(data, "x.xlsx", max_rows=10)
    slow = readers._table(readers._openpyxl_rows(data), 10)
    assert (fast.headers, fast.rows) == (slow.headers, slow.rows)
    assert fast.rows == [(3, ["LY01", "", "1299.5"]), (5, ["", "=不是公式"]),
                         (6, ["", "", "", "1"])]


def test_cat9_header_aliases_full_width_and_blanks_are_understood(ref, staff):
    headers = [" 货号 ", "商品名称", "分类", "品牌", "供应商", "SKU编码", "条形码", "颜色", "尺寸",
               "规格：面料", "重量", "成本价", "售价（元）", "备注"]
    rows = [["LY0001", " 法式碎花连衣裙 ", "女装/连衣裙", "五步", "GYS01", "ＬＹ0001-M",
             "６９０１２３４５６７８９２", "雾霾蓝", "M", "雪纺", "３２０", "８９.５", "¥1,299.00", "随便写"],
            ["", "", "", "", "", "", "", "", "", "", "", "", "", ""],
            ["  ", "\u3000", "", "", "", "", "", "", "", "", "", "", "", ""]]
    job = run(staff["product_manager"], "products", csv_bytes(headers, rows), "别名.csv")
    assert job.state == ImportJob.State.DONE, job.errors
    assert job.total_rows == 1
    assert job.summary["notices"] == ["未识别的列「备注」已忽略 (unknown column ignored)"]
    sku = Sku.objects.get()
    assert (sku.code, sku.barcode, sku.weight_g, sku.cost_fen, sku.price_fen) == (
        "LY0001-M", "6901234567892", 320, 8950, 129900)
    assert sku.attributes == {"颜色": "雾霾蓝", "尺码": "M", "面料": "雪纺"}
    assert Product.objects.get().title == "法式碎花连衣裙"


def test_cat9_tab_separated_text_reads_too():
    data = csv_bytes(PRODUCT_HEADERS, ROWS, encoding="utf-16", delimiter="\t")
    assert table(data, "商品.txt").rows == [(2, ROWS[0])]


def test_cat9_missing_required_columns_are_reported_before_any_row(ref, staff):
    job = preview(staff["product_manager"], "products",
                  csv_bytes(["款号", "商品标题", "条码"], [["LY1", "裙", "6901234567892"]]), "a.csv")
    assert job.state == ImportJob.State.INVALID
    assert [(e["row"], e["column"], e["message"]) for e in job.errors] == [
        (1, "商家编码", "缺少必填列「商家编码」"), (1, "售价(元)", "缺少必填列「售价(元)」")]


def test_cat9_the_same_column_twice_is_an_error(ref, staff):
    job = preview(staff["product_manager"], "products",
                  csv_bytes(PRODUCT_HEADERS + ["价格"], [ROWS[0] + ["1"]]), "a.csv")
    assert [(e["row"], e["message"]) for e in job.errors] == [
        (1, "列重复：「价格」与「售价(元)」是同一列")]


@pytest.mark.parametrize("data,message", [
    (bytes(range(256)) * 40, "文件不是表格（含二进制内容）"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "文件不是表格（含二进制内容）"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500, "不支持旧版 Excel（.xls）文件"),
    (b"PK\x03\x04 not really a zip", "无法读取 Excel 文件"),
    (b"   \r\n ", "文件是空的。"),
])
def test_cat9_garbage_is_refused_with_a_clear_message(data, message):
    with pytest.raises(UserError) as refused:
        read_table(data, "x.csv", max_rows=10)
    assert refused.value.message.startswith(message)


def test_cat9_a_garbage_upload_ends_in_an_invalid_job_saying_why(ref, staff):
    job = preview(staff["product_manager"], "products", bytes(range(256)) * 40, "商品.csv")
    assert job.state == ImportJob.State.INVALID
    assert job.errors[0]["row"] == 0
    assert job.errors[0]["message"] == "文件不是表格（含二进制内容）：请上传 xlsx 或 CSV 文件。"


def test_cat9_more_rows_than_the_setting_allows_is_refused(ref, staff):
    from shopops.core.actions.settings import change_setting

    change_setting(actor=staff["sysadmin"], key="catalog.import_max_rows", raw_value="5")
    job = preview(staff["product_manager"], "products",
                  xlsx_bytes(PRODUCT_HEADERS, product_rows(products=2, skus=3)))
    assert job.errors[0]["message"] == "文件超过单次导入上限 5 行，请拆分后分批导入。"


@pytest.mark.parametrize("name,message", [("商品.xls", "不支持旧版 Excel（.xls）文件"),
                                          ("商品.pdf", "只能导入 .xlsx 或 .csv 文件：商品.pdf")])
def test_cat9_wrong_file_types_are_refused_at_upload(ref, staff, name, message):
    with pytest.raises(UserError) as refused:
        preview(staff["product_manager"], "products", b"x,y\n1,2\n", name)
    assert refused.value.message.startswith(message)
    assert ImportJob.objects.count() == 0

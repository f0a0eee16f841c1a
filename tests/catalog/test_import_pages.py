"""CAT-9 pages: upload → background check with a progress bar → preview listing every bad row
→ 确认导入 → done; templates to download; the list of past imports."""

import io
from datetime import timedelta

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from shopops.catalog.importing import samples
from shopops.catalog.models import ImportJob, Product, Sku
from shopops.core.models import Event
from shopops.purchasing.models import Supplier

from .import_helpers import PRODUCT_HEADERS, media_fixture, preview, product_rows, ref_fixture  # noqa: F401
from .import_helpers import xlsx_bytes as make_xlsx

S = ImportJob.State


def _upload(client, data, name="商品.xlsx", kind="products"):
    return client.post("/catalog/imports/upload/",
                       {"kind": kind, "file": SimpleUploadedFile(name, data)})


def test_cat9_upload_preview_confirm_in_the_browser_flow(ref, staff, client_for,
                                                        django_capture_on_commit_callbacks):
    client = client_for(staff["product_manager"])
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, make_xlsx(PRODUCT_HEADERS, product_rows(2, 3)))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/catalog/imports/{job.pk}/"
    assert job.state == S.PREVIEW  # the background task ran (ImmediateBackend)
    page = client.get(f"/catalog/imports/{job.pk}/").content.decode()
    assert "检查通过，没有错误" in page and "确认导入" in page
    assert "新建商品" in page and "新建SKU" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/catalog/imports/{job.pk}/confirm/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == S.DONE and Sku.objects.count() == 6
    page = client.get(f"/catalog/imports/{job.pk}/").content.decode()
    assert "全部导入" in page and "确认导入" not in page
    # Confirming twice does nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/catalog/imports/{job.pk}/confirm/")
    assert Event.objects.filter(verb="import.applied").count() == 1
    assert Product.objects.count() == 2


def test_cat9_preview_page_lists_the_bad_row_with_column_and_reason(ref, staff, client_for,
                                                                    django_capture_on_commit_callbacks):
    rows = product_rows(2, 3)
    rows[3][2] = "女装/半身裙"
    client = client_for(staff["product_manager"])
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, make_xlsx(PRODUCT_HEADERS, rows))
    job = ImportJob.objects.get()
    assert job.state == S.INVALID
    page = client.get(f"/catalog/imports/{job.pk}/").content.decode()
    assert "有 1 行存在错误，本次不会导入任何数据" in page
    assert '<tr data-row="5">' in page
    assert "第 5 行" in page and "类目不存在：女装/半身裙" in page
    assert "确认导入" not in page and "上传修改后的文件" in page
    assert client.post(f"/catalog/imports/{job.pk}/confirm/").status_code == 302
    assert ImportJob.objects.get().state == S.INVALID and Product.objects.count() == 0

    report = client.get(f"/catalog/imports/{job.pk}/errors.csv")
    lines = report.content.decode("utf-8-sig").splitlines()
    assert lines == ["行号,列,原因,Reason",
                     "5,类目,类目不存在：女装/半身裙（请先在基础资料中建立）,"
                     "No such category: 女装/半身裙 (create it first)"]
    original = client.get(f"/catalog/imports/{job.pk}/file/")
    assert b"".join(original.streaming_content) == job.file.open("rb").read()


def test_cat9_progress_partial_polls_while_running_and_refreshes_when_done(ref, staff,
                                                                          client_for):
    job = preview(staff["product_manager"], "products", make_xlsx(PRODUCT_HEADERS,
                                                                  product_rows(1, 2)))
    client = client_for(staff["product_manager"])
    ImportJob.objects.filter(pk=job.pk).update(state=S.PARSING, done_rows=1, total_rows=2)
    partial = client.get(f"/catalog/imports/{job.pk}/progress/", HTTP_HX_REQUEST="true")
    html = partial.content.decode()
    assert 'hx-trigger="every 1s"' in html and f"/catalog/imports/{job.pk}/progress/" in html
    assert '<progress max="2" value="1"' in html and "1 / 2" in html
    page = client.get(f"/catalog/imports/{job.pk}/").content.decode()
    assert 'data-testid="import-progress"' in page and "可能没有运行" not in page
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=11))
    partial = client.get(f"/catalog/imports/{job.pk}/progress/", HTTP_HX_REQUEST="true")
    assert "后台任务执行器可能没有运行" in partial.content.decode()

    ImportJob.objects.filter(pk=job.pk).update(state=S.PREVIEW)
    done = client.get(f"/catalog/imports/{job.pk}/progress/", HTTP_HX_REQUEST="true")
    assert done.status_code == 200 and done["HX-Refresh"] == "true"


def test_cat9_import_list_queries_do_not_grow_with_rows(ref, staff, client_for,
                                                        django_assert_max_num_queries):
    data = make_xlsx(PRODUCT_HEADERS, product_rows(1, 1))
    for _ in range(32):
        preview(staff["product_manager"], "products", data)
    client = client_for(staff["editor"])
    with django_assert_max_num_queries(15):
        response = client.get("/catalog/imports/")
    assert response.status_code == 200
    assert response.content.decode().count("<tr data-job=") == 32


def test_cat9_import_pages_follow_the_capabilities(ref, staff, client_for):
    assert client_for(staff["picker"]).get("/catalog/imports/").status_code == 403
    assert client_for(staff["analyst"]).get("/catalog/imports/").status_code == 403
    page = client_for(staff["editor"]).get("/catalog/imports/").content.decode()
    assert 'value="stock"' in page  # the editor also counts stock (inventory.stocktake)
    page = client_for(staff["product_manager"]).get("/catalog/imports/").content.decode()
    assert 'value="stock"' not in page and "/catalog/export/" in page
    response = client_for(staff["product_manager"]).post(
        "/catalog/imports/upload/", {"kind": "stock",
                                     "file": SimpleUploadedFile("s.csv", b"a,b\n1,2\n")})
    assert response.status_code == 302 and ImportJob.objects.count() == 0


@pytest.mark.parametrize("kind", ["products", "prices", "stock"])
def test_cat9_templates_download_with_headers_and_two_examples(staff, client_for, kind, db):
    response = client_for(staff["editor"]).get(f"/catalog/imports/template/{kind}/")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(workbook.worksheets[0].values)
    headers, examples = samples.EXAMPLES[kind]
    assert list(rows[0]) == headers and len(rows) == 3
    assert workbook.sheetnames[1] == "填写说明"
    # The committed file is what the generator makes from columns.py today.
    built = openpyxl.load_workbook(io.BytesIO(samples.build(kind)))
    assert [list(s.values) for s in built] == [list(s.values) for s in workbook]


def test_cat9_products_template_itself_previews_without_errors(ref, staff):
    Supplier.objects.create(code="S0001", name="示例供应商")
    job = preview(staff["product_manager"], "products", samples.content("products"),
                  "商品与SKU导入模板.xlsx")
    assert job.state == S.PREVIEW, job.errors
    assert job.summary["counts"]["skus_new"] == 2


def test_cat9_many_bad_rows_are_summed_up_by_reason(ref, staff, client_for):
    rows = product_rows(4, 5)
    for row in rows:
        row[4] = "GYS99"  # the same wrong supplier on every row
    rows[7][6] = "690000000000"  # UPC-A with a wrong check digit
    job = preview(staff["product_manager"], "products", make_xlsx(PRODUCT_HEADERS, rows))
    page = client_for(staff["product_manager"]).get(
        f"/catalog/imports/{job.pk}/").content.decode()
    assert "错误汇总" in page and "<td>供应商编码</td><td>供应商不存在：GYS99（请先在基础资料中建立）</td>" \
        "<td>20</td><td>第 2 行</td>" in page
    assert "有 20 行存在错误" in page

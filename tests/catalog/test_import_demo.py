"""CAT-9 demo: the import page shows one finished import and one waiting for correction."""

import pytest

from shopops.catalog.models import ImportJob, Sku
from shopops.ops.demo import load_demo


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.MEDIA_ROOT = tmp_path / "media"
    return load_demo()


def test_cat9_demo_has_a_done_import_and_one_with_two_bad_rows(demo, client_for):
    done, waiting = ImportJob.objects.order_by("pk")
    assert (done.state, done.total_rows, done.created_by.username) == (
        "done", 7, "product_manager")
    assert done.file.open("rb").read().startswith(b"PK")
    assert Sku.objects.filter(product__code="XL2026-01").count() == 3
    assert waiting.state == "invalid" and waiting.created_by.username == "editor"
    assert sorted({e["row"] for e in waiting.errors}) == [3, 5]
    assert [e["column"] for e in waiting.errors] == ["条码", "类目"]

    from shopops.accounts.models import User

    client = client_for(User.objects.get(username="editor"))
    page = client.get("/catalog/imports/").content.decode()
    assert "2026夏季床品上新.xlsx" in page and "秋季上新-刘芳.xlsx" in page
    detail = client.get(f"/catalog/imports/{waiting.pk}/").content.decode()
    assert "有 2 行存在错误" in detail and "类目不存在：女装/羽绒服" in detail

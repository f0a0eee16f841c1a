"""Product media (CAT-7): size limits from the settings, types checked by content, thumbnails,
nothing stored when refused, reorder/delete, who may fetch which file."""

import io
import zipfile

import pytest
from django.urls import reverse
from PIL import Image

from shopops.catalog.actions import media as actions
from shopops.catalog.models import Listing, Media
from shopops.core.errors import PermissionDeniedError, UserError
from shopops.core.models import Event
from tests.factories import channel, make_product

MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64


def test_cat7_image_upload_stores_file_and_thumbnail(editor, png, stored_files, set_setting):
    set_setting("catalog.thumbnail_px", 120)
    product = make_product()
    media = actions.upload_media(actor=editor, product=product, upload=png("主图.png", (800, 600)))

    assert (media.kind, media.content_type, media.original_name) == ("image", "image/png", "主图.png")
    assert media.uploaded_by == editor and media.size_bytes > 0
    assert len(stored_files()) == 2
    with media.thumbnail.open("rb") as f:
        assert Image.open(f).size == (120, 90)
    event = Event.objects.get(verb="media.uploaded")
    assert event.object_id == str(product.pk) and event.summary.startswith("上传图片「主图.png」")


def test_cat7_oversize_image_is_refused_citing_the_limit_and_nothing_is_stored(
        editor, png, stored_files):
    product = make_product()
    big = png("大图.png", (600, 400), noise=True)  # ~720 KB of incompressible pixels
    assert big.size > 500 * 1024
    with pytest.raises(UserError) as exc:
        actions.upload_media(actor=editor, product=product, upload=big)
    assert exc.value.code == "media_too_large"
    assert "超过上限 500 KB" in exc.value.message and "大图.png" in exc.value.message
    assert "未保存" in exc.value.message
    assert Media.objects.count() == 0 and stored_files() == []
    assert not Event.objects.filter(verb="media.uploaded").exists()


def test_cat7_limits_are_settings(editor, jpeg, upload, set_setting, stored_files):
    product = make_product()
    set_setting("catalog.image_max_kb", 1)
    with pytest.raises(UserError, match="超过上限 1 KB"):
        actions.upload_media(actor=editor, product=product, upload=jpeg(noise=True))
    set_setting("catalog.document_max_kb", 2)
    with pytest.raises(UserError, match="文档「说明.txt」大小 3.0 KB，超过上限 2 KB"):
        actions.upload_media(actor=editor, product=product,
                             upload=upload("说明.txt", "面".encode() * 1024, "text/plain"))
    set_setting("catalog.video_max_mb", 1)
    with pytest.raises(UserError, match="超过上限 1 MB"):
        actions.upload_media(actor=editor, product=product,
                             upload=upload("展示.mp4", MP4 + b"\x00" * (1024 * 1024), "video/mp4"))
    assert stored_files() == [] and Media.objects.count() == 0


@pytest.mark.parametrize("name, data, code", [
    ("setup.exe", b"MZ\x90\x00", "media_type"),
    ("主图.jpg", b"not an image at all", "media_content"),
    ("展示.mp4", b"<html>hello</html>" * 4, "media_content"),
    ("规格.pdf", b"PK\x03\x04 not a pdf", "media_content"),
    ("尺码表.xlsx", b"%PDF-1.4 not a workbook", "media_content"),
    ("说明.txt", b"\x00\x01\x02binary", "media_content"),
])
def test_cat7_wrong_type_is_refused_and_nothing_is_stored(editor, upload, stored_files, name,
                                                          data, code):
    with pytest.raises(UserError) as exc:
        actions.upload_media(actor=editor, product=make_product(), upload=upload(name, data))
    assert exc.value.code == code
    assert name in exc.value.message
    assert Media.objects.count() == 0 and stored_files() == []


def test_cat7_videos_and_documents_are_accepted(editor, upload, stored_files):
    product = make_product()
    video = actions.upload_media(actor=editor, product=product,
                                 upload=upload("模特展示.mp4", MP4, "video/mp4"))
    book = io.BytesIO()
    with zipfile.ZipFile(book, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    sheet = actions.upload_media(actor=editor, product=product, upload=upload("尺码表.xlsx",
                                                                             book.getvalue()))
    pdf = actions.upload_media(actor=editor, product=product,
                               upload=upload("质检报告.pdf", b"%PDF-1.4\n%%EOF\n"))
    assert [(m.kind, m.content_type) for m in (video, sheet, pdf)] == [
        ("video", "video/mp4"),
        ("document", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("document", "application/pdf")]
    assert not video.thumbnail and len(stored_files()) == 3


def test_cat7_uploading_needs_the_capability(picker, png):
    with pytest.raises(PermissionDeniedError):
        actions.upload_media(actor=picker, product=make_product(), upload=png())


def test_cat7_reorder_and_delete(editor, png, jpeg, stored_files,
                                 django_capture_on_commit_callbacks):
    product = make_product()
    first = actions.upload_media(actor=editor, product=product, upload=png("一.png"))
    second = actions.upload_media(actor=editor, product=product, upload=jpeg("二.jpg"))
    assert actions.move_media(actor=editor, media=second, offset=-1) is True
    order = list(Media.objects.filter(product=product).order_by("sort_order")
                 .values_list("original_name", flat=True))
    assert order == ["二.jpg", "一.png"]
    assert actions.move_media(actor=editor, media=second, offset=-1) is False
    with django_capture_on_commit_callbacks(execute=True):
        actions.delete_media(actor=editor, media=first)
    assert list(Media.objects.values_list("original_name", flat=True)) == ["二.jpg"]
    assert len(stored_files()) == 2  # the remaining image and its thumbnail
    assert Event.objects.filter(verb="media.deleted").get().summary == "删除图片「一.png」"


def test_cat7_upload_page_shows_each_result(client_for, editor, png, upload):
    product = make_product()
    response = client_for(editor).post(
        reverse("catalog:media_upload", args=[product.pk]),
        {"file": [png("正面.png"), upload("病毒.exe", b"MZ")]}, follow=True)
    html = response.content.decode()
    assert "已上传「正面.png」" in html
    assert "不支持的文件类型：「病毒.exe」" in html
    assert list(Media.objects.values_list("original_name", flat=True)) == ["正面.png"]
    assert reverse("catalog:media_thumb", args=[Media.objects.get().pk]) in html


def test_cat7_listed_products_images_are_public_documents_are_not(client, client_for, editor,
                                                                  picker, png, upload,
                                                                  make_user):
    product = make_product()
    image = actions.upload_media(actor=editor, product=product, upload=png())
    doc = actions.upload_media(actor=editor, product=product,
                               upload=upload("质检报告.pdf", b"%PDF-1.4\n%%EOF\n"))
    image_url = reverse("catalog:media_file", args=[image.pk])
    thumb_url = reverse("catalog:media_thumb", args=[image.pk])
    doc_url = reverse("catalog:media_file", args=[doc.pk])

    # Not listed anywhere yet: only staff see it.
    assert client.get(image_url).status_code == 302
    assert client_for(picker).get(image_url).status_code == 200
    Listing.objects.create(product=product, channel=channel("b2c"), state="listed")
    response = client.get(image_url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    thumb = client.get(thumb_url)
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    assert client.get(doc_url).status_code == 302
    outsider = client_for(make_user(roles=[]))
    assert outsider.get(doc_url).status_code == 403
    response = client_for(picker).get(doc_url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert client.get(reverse("catalog:media_file", args=[987654])).status_code == 404

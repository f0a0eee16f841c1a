"""Photos for after-sales (evidence on a request, a parcel's condition): each within the
catalog's image size limit (CAT-7, catalog.image_max_kb) and a real image (decoded with
Pillow). Every photo is checked before any is stored, so one bad photo stores nothing."""

import io
import secrets

from django.core.files.base import ContentFile
from PIL import Image, UnidentifiedImageError

from shopops.catalog.actions.media import human_size, limit_bytes
from shopops.catalog.models import Media
from shopops.core.errors import UserError
from shopops.core.registry import setting

FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"),
           "WEBP": ("webp", "image/webp"), "GIF": ("gif", "image/gif")}


def _name(upload) -> str:
    return (getattr(upload, "name", "") or "图片").rsplit("/", 1)[-1][:200]


def check_photos(photos) -> list[dict]:
    """[{"name", "data", "ext", "content_type"}] for every photo, or a UserError naming the
    first that is too big or not an image (nothing read is kept)."""
    photos = [p for p in (photos or []) if p]
    most = setting("aftersales.max_photos")
    if len(photos) > most:
        raise UserError("too_many_photos", "最多上传 {most} 张图片，本次选择了 {count} 张，未保存。",
                        "At most {most} photos; {count} were chosen. Nothing was stored.",
                        most=most, count=len(photos))
    limit, limit_text = limit_bytes(Media.Kind.IMAGE)
    checked = []
    for upload in photos:
        name = _name(upload)
        size = getattr(upload, "size", None)
        if size is not None and size > limit:
            raise _too_big(name, size, limit_text)
        data = upload.read(limit + 1)
        if len(data) > limit:
            raise _too_big(name, len(data), limit_text)
        fmt = _decode(data, name)
        ext, content_type = FORMATS[fmt]
        checked.append({"name": name, "data": data, "ext": ext, "content_type": content_type})
    return checked


def _decode(data: bytes, name: str) -> str:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            fmt = img.format
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError):
        fmt = None
    if fmt not in FORMATS:
        raise UserError("photo_not_image", "「{name}」不是有效的图片（仅支持 jpg、png、webp、gif），"
                        "售后申请未提交，所有图片均未保存。",
                        "'{name}' is not a valid image (jpg, png, webp or gif only); nothing "
                        "was stored.", name=name)
    return fmt


def _too_big(name, size, limit_text):
    return UserError("photo_too_large", "图片「{name}」大小 {size}，超过上限 {limit}，"
                     "未提交，所有图片均未保存。请压缩后重新上传。",
                     "The photo '{name}' is {size}, over the {limit} limit; nothing was "
                     "stored.", name=name, size=human_size(size), limit=limit_text)


def store_photos(model, checked, prefix, **owner) -> list:
    """Save checked photos as rows of `model` (AfterSalePhoto, ReturnParcelPhoto) owned by
    `owner`. Callers check everything else first and store photos last, so a refusal
    never leaves a file behind; a failure while storing removes what was written."""
    rows, written = [], []
    try:
        for photo in checked:
            row = model(original_name=photo["name"], size_bytes=len(photo["data"]),
                        content_type=photo["content_type"], **owner)
            row.file.save(f"{prefix}_{secrets.token_hex(6)}.{photo['ext']}",
                          ContentFile(photo["data"]), save=False)
            written.append((row.file.storage, row.file.name))
            row.save()
            rows.append(row)
    except Exception:
        for storage, name in written:
            storage.delete(name)
        raise
    return rows

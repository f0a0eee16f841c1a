"""Product media (CAT-7): images, videos and documents within the configured limits.

Everything is checked before a byte is written: the kind (by extension, or the declared
content type when the name has none), the size against its setting, and the content
itself (an image must decode with Pillow; videos and documents must start like what their
extension says). A refused upload stores nothing and says why, citing the limit.
Images get a thumbnail (catalog.thumbnail_px on the longest side).
"""

import io
import secrets
import zipfile
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from PIL import Image, ImageOps, UnidentifiedImageError

from shopops.core import events
from shopops.core.access import require
from shopops.core.errors import UserError
from shopops.core.registry import setting

from ..models import Media

CAP = "catalog.upload_media"
IMAGE_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png",
               "webp": "image/webp", "gif": "image/gif"}
VIDEO_TYPES = {"mp4": "video/mp4", "webm": "video/webm", "mov": "video/quicktime"}
DOCUMENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "txt": "text/plain; charset=utf-8",
}
KINDS = {Media.Kind.IMAGE: IMAGE_TYPES, Media.Kind.VIDEO: VIDEO_TYPES,
         Media.Kind.DOCUMENT: DOCUMENT_TYPES}
PIL_TYPES = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"),
             "WEBP": ("webp", "image/webp"), "GIF": ("gif", "image/gif")}
ACCEPT = ",".join(f".{ext}" for types in KINDS.values() for ext in types)
KIND_LABELS = {Media.Kind.IMAGE: ("图片", "image"), Media.Kind.VIDEO: ("视频", "video"),
               Media.Kind.DOCUMENT: ("文档", "document")}


def _check(actor):
    if actor is not None:
        require(actor, CAP)


def limit_bytes(kind) -> tuple[int, str]:
    """The configured limit of a kind in bytes, and as the setting states it."""
    if kind == Media.Kind.IMAGE:
        kb = setting("catalog.image_max_kb")
        return kb * 1024, f"{kb} KB"
    if kind == Media.Kind.VIDEO:
        mb = setting("catalog.video_max_mb")
        return mb * 1024 * 1024, f"{mb} MB"
    kb = setting("catalog.document_max_kb")
    return kb * 1024, f"{kb} KB"


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{size / 1024:.1f} KB"


def kind_of(name: str, content_type: str = ""):
    """(kind, extension) from the file name, else from the declared content type."""
    ext = PurePosixPath(name or "").suffix.lower().lstrip(".")
    for kind, types in KINDS.items():
        if ext in types:
            return kind, ext
    if not ext:
        declared = (content_type or "").split(";")[0].strip().lower()
        for kind, types in KINDS.items():
            for known_ext, known_type in types.items():
                if known_type.split(";")[0] == declared:
                    return kind, known_ext
    raise UserError("media_type", "不支持的文件类型：「{name}」。图片限 jpg/png/webp/gif，视频限 "
                    "mp4/webm/mov，文档限 pdf/docx/xlsx/txt",
                    "Unsupported file type '{name}': images jpg/png/webp/gif, videos "
                    "mp4/webm/mov, documents pdf/docx/xlsx/txt", name=name)


def _not_what_it_says(name, kind):
    label, label_en = KIND_LABELS[kind]
    return UserError("media_content", "文件「{name}」不是有效的{label}（内容与扩展名不符或已损坏），未保存",
                     "'{name}' is not a valid {label_en} (content does not match its name or "
                     "the file is damaged); nothing was stored", name=name, label=label,
                     label_en=label_en)


def _check_video(data: bytes, ext: str, name: str):
    if ext == "webm":
        ok = data[:4] == b"\x1a\x45\xdf\xa3"
    else:  # ISO media (mp4, QuickTime): the first box is usually ftyp
        ok = data[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip")
    if not ok:
        raise _not_what_it_says(name, Media.Kind.VIDEO)


def _check_document(data: bytes, ext: str, name: str):
    if ext == "pdf":
        ok = data[:5] == b"%PDF-"
    elif ext in ("docx", "xlsx"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            names = []
        ok = any(n.startswith("word/" if ext == "docx" else "xl/") for n in names)
    else:
        ok = b"\x00" not in data and _decodes(data)
    if not ok:
        raise _not_what_it_says(name, Media.Kind.DOCUMENT)


def _decodes(data: bytes) -> bool:
    for encoding in ("utf-8", "gb18030"):
        try:
            data.decode(encoding)
            return True
        except UnicodeDecodeError:
            continue
    return False


def _image(data: bytes, name: str):
    """Decode fully; return (Pillow format key, thumbnail bytes, thumbnail extension)."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(data)) as img:
            fmt = img.format
            img.load()
            if fmt not in PIL_TYPES:
                raise _not_what_it_says(name, Media.Kind.IMAGE)
            img = ImageOps.exif_transpose(img)
            px = setting("catalog.thumbnail_px")
            img.thumbnail((px, px))
            alpha = img.mode in ("RGBA", "LA", "P")
            out = io.BytesIO()
            if alpha:
                img.convert("RGBA").save(out, "PNG", optimize=True)
            else:
                img.convert("RGB").save(out, "JPEG", quality=85)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError):
        raise _not_what_it_says(name, Media.Kind.IMAGE) from None
    return fmt, out.getvalue(), "png" if alpha else "jpg"


def _next_sort_order(product, kind) -> int:
    top = Media.objects.filter(product=product, kind=kind).aggregate(m=Max("sort_order"))["m"]
    return (top or 0) + 10


@transaction.atomic
def upload_media(*, actor, product, upload, name: str = "") -> Media:
    """Store one uploaded file (a Django UploadedFile or any file object with .read())."""
    _check(actor)
    name = (name or getattr(upload, "name", "") or "").rsplit("/", 1)[-1][:200]
    kind, ext = kind_of(name, getattr(upload, "content_type", "") or "")
    limit, limit_text = limit_bytes(kind)
    size = getattr(upload, "size", None)
    label, label_en = KIND_LABELS[kind]
    # Refuse by the declared size before reading a huge file into memory.
    if size is not None and size > limit:
        raise _too_big(name, kind, size, limit_text)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise _too_big(name, kind, len(data), limit_text)
    if not data:
        raise UserError("media_empty", "文件「{name}」是空的，未保存", "'{name}' is empty; nothing "
                        "was stored", name=name)
    content_type = KINDS[kind][ext]
    thumb = None
    if kind == Media.Kind.IMAGE:
        fmt, thumb, thumb_ext = _image(data, name)
        ext, content_type = PIL_TYPES[fmt]
    elif kind == Media.Kind.VIDEO:
        _check_video(data, ext, name)
    else:
        _check_document(data, ext, name)

    stem = f"p{product.pk}_{secrets.token_hex(6)}"
    media = Media(product=product, kind=kind, original_name=name, content_type=content_type,
                  size_bytes=len(data), sort_order=_next_sort_order(product, kind),
                  uploaded_by=actor if actor is not None and actor.pk else None)
    stored = []
    try:
        media.file.save(f"{stem}.{ext}", ContentFile(data), save=False)
        stored.append(media.file.name)
        if thumb is not None:
            media.thumbnail.save(f"{stem}_t.{thumb_ext}", ContentFile(thumb), save=False)
            stored.append(media.thumbnail.name)
        media.save()
    except Exception:
        for path in stored:
            media.file.storage.delete(path)
        raise
    events.record(actor=actor, verb="media.uploaded", obj=product,
                  summary=f"上传{label}「{name}」（{human_size(len(data))}）",
                  data={"media_id": media.pk, "kind": kind, "size": len(data)})
    return media


def _too_big(name, kind, size, limit_text):
    label, label_en = KIND_LABELS[kind]
    return UserError("media_too_large", "{label}「{name}」大小 {size}，超过上限 {limit}（CAT-7），未保存",
                     "The {label_en} '{name}' is {size}, over the {limit} limit; nothing was "
                     "stored", label=label, label_en=label_en, name=name, size=human_size(size),
                     limit=limit_text)


def _renumber(rows):
    for i, row in enumerate(rows, start=1):
        row.sort_order = i * 10
    Media.objects.bulk_update(rows, ["sort_order"])


@transaction.atomic
def move_media(*, actor, media, offset: int) -> bool:
    """Move one item up (offset -1) or down (+1) among the product's media of its kind."""
    _check(actor)
    rows = list(Media.objects.filter(product_id=media.product_id, kind=media.kind)
                .order_by("sort_order", "id"))
    index = next(i for i, row in enumerate(rows) if row.pk == media.pk)
    target = max(0, min(len(rows) - 1, index + offset))
    if target == index:
        return False
    rows.insert(target, rows.pop(index))
    _renumber(rows)
    events.record(actor=actor, verb="media.reordered", obj=media.product,
                  summary=f"「{media.original_name}」移到第 {target + 1} 位")
    return True


@transaction.atomic
def reorder_media(*, actor, product, ids) -> None:
    """Put the product's media of one kind in the order of `ids`."""
    _check(actor)
    rows = {m.pk: m for m in Media.objects.filter(product=product, pk__in=list(ids))}
    if len(rows) != len(set(ids)) or len({m.kind for m in rows.values()}) > 1:
        raise UserError("bad_media_order", "排序列表与商品素材不符", "The order does not match "
                        "the product's media")
    _renumber([rows[int(pk)] for pk in ids])
    events.record(actor=actor, verb="media.reordered", obj=product, summary="调整素材顺序",
                  data={"order": [int(pk) for pk in ids]})


@transaction.atomic
def delete_media(*, actor, media) -> None:
    _check(actor)
    product = media.product
    paths = [f.name for f in (media.file, media.thumbnail) if f]
    storage = media.file.storage
    label = KIND_LABELS[media.kind][0]
    name = media.original_name
    media.delete()
    # The row goes with the transaction; the files only once it is committed.
    transaction.on_commit(lambda: [storage.delete(p) for p in paths])
    events.record(actor=actor, verb="media.deleted", obj=product, summary=f"删除{label}「{name}」")

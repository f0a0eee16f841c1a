"""Product media (CAT-7): upload on the product page, reorder, delete, and serving the files.

Images and videos of a product the shop lists are public (the shop shows them to anyone);
everything else — documents, and media of products not listed in any channel — needs
catalog.view. The file view is therefore declared PUBLIC and decides per file.
"""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shopops.core.access import PUBLIC, access, forbidden, user_can
from shopops.core.errors import UserError
from shopops.core.i18n import user_message

from ..actions import media as actions
from ..models import Listing, Media, Product

THUMB_TYPES = {"jpg": "image/jpeg", "png": "image/png"}


@access("catalog.upload_media")
@require_POST
def media_upload(request, pk):
    product = get_object_or_404(Product, pk=pk)
    files = request.FILES.getlist("file")
    if not files:
        messages.error(request, _("请选择要上传的文件。"))
    for upload in files:
        # Each file on its own: one refused file does not block the others.
        try:
            actions.upload_media(actor=request.user, product=product, upload=upload)
        except UserError as exc:
            messages.error(request, user_message(exc))
        else:
            messages.success(request, _("已上传「{name}」").format(name=upload.name))
    return redirect("catalog:product_detail", pk=pk)


@access("catalog.upload_media")
@require_POST
def media_move(request, pk):
    media = get_object_or_404(Media, pk=pk)
    try:
        offset = -1 if int(request.POST.get("offset", "1")) < 0 else 1
        actions.move_media(actor=request.user, media=media, offset=offset)
    except (ValueError, UserError) as exc:
        messages.error(request, user_message(exc) if isinstance(exc, UserError) else str(exc))
    return redirect("catalog:product_detail", pk=media.product_id)


@access("catalog.upload_media")
@require_POST
def media_delete(request, pk):
    media = get_object_or_404(Media, pk=pk)
    product_id, name = media.product_id, media.original_name
    try:
        actions.delete_media(actor=request.user, media=media)
    except UserError as exc:
        messages.error(request, user_message(exc))
    else:
        messages.success(request, _("已删除「{name}」").format(name=name))
    return redirect("catalog:product_detail", pk=product_id)


def _is_public(media) -> bool:
    if media.kind == Media.Kind.DOCUMENT:
        return False
    return Listing.objects.filter(product_id=media.product_id,
                                  state=Listing.State.LISTED).exists()


def _serve(request, pk, *, thumbnail):
    media = Media.objects.filter(pk=pk).first()
    if media is None:
        raise Http404
    public = _is_public(media)
    if not public:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user_can(request.user, "catalog.view"):
            return forbidden(request)
    field = media.thumbnail if thumbnail and media.thumbnail else media.file
    if not field or not field.storage.exists(field.name):
        raise Http404
    if field is media.thumbnail:
        content_type = THUMB_TYPES.get(field.name.rsplit(".", 1)[-1].lower(), "image/jpeg")
    else:
        content_type = media.content_type
    attachment = media.kind == Media.Kind.DOCUMENT
    response = FileResponse(field.open("rb"), content_type=content_type, as_attachment=attachment,
                            filename=media.original_name if attachment else None)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=86400" if public else "private, max-age=3600"
    return response


@access(PUBLIC)
def media_file(request, pk):
    return _serve(request, pk, thumbnail=False)


@access(PUBLIC)
def media_thumb(request, pk):
    return _serve(request, pk, thumbnail=True)


urlpatterns = [
    path("<int:pk>/media/upload/", media_upload, name="media_upload"),
    path("media-items/<int:pk>/move/", media_move, name="media_move"),
    path("media-items/<int:pk>/delete/", media_delete, name="media_delete"),
    path("files/<int:pk>/", media_file, name="media_file"),
    path("files/<int:pk>/thumb/", media_thumb, name="media_thumb"),
]

"""Fixtures of the catalog tests.

    media_root                 MEDIA_ROOT of this test (an empty temporary directory)
    stored_files()             what is under it now
    png(name, size, color)     an uploaded PNG; jpeg(...) likewise; upload(name, data, type)
    set_setting(key, value)    an administrator's value for a registered setting
    editor / product_manager   a person in that post; picker: catalog.view only
"""

import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from shopops.core import registry


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    # Uploaded files of one test must neither survive it nor be seen by another.
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


def _image_bytes(fmt, size, color, noise=False):
    img = Image.new("RGB", size, color)
    if noise:
        # Random pixels do not compress: a large, real image for the size limit.
        img = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    out = io.BytesIO()
    img.save(out, fmt)
    return out.getvalue()


@pytest.fixture
def upload():
    def make(name, data: bytes, content_type="application/octet-stream"):
        return SimpleUploadedFile(name, data, content_type=content_type)

    return make


@pytest.fixture
def png(upload):
    def make(name="主图.png", size=(800, 600), color=(200, 30, 60), noise=False):
        return upload(name, _image_bytes("PNG", size, color, noise), "image/png")

    return make


@pytest.fixture
def jpeg(upload):
    def make(name="细节.jpg", size=(640, 480), color=(20, 60, 160), noise=False):
        return upload(name, _image_bytes("JPEG", size, color, noise), "image/jpeg")

    return make


@pytest.fixture
def set_setting(db):
    from shopops.core.models import SettingValue

    def put(key, value):
        SettingValue.objects.update_or_create(key=key, defaults={"value": value})
        registry.clear_cache()

    return put


@pytest.fixture
def editor(make_user):
    return make_user(roles=["editor"], display_name="刘芳")


@pytest.fixture
def product_manager(make_user):
    return make_user(roles=["product_manager"], display_name="黄磊")


@pytest.fixture
def picker(make_user):
    return make_user(roles=["picker"], display_name="赵强")


@pytest.fixture
def stored_files(media_root):
    """The files under MEDIA_ROOT now, as relative paths."""
    def files() -> list:
        return sorted(p.relative_to(media_root).as_posix() for p in media_root.rglob("*")
                      if p.is_file())

    return files

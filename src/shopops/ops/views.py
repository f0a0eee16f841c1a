# TEMPORARY STUB — to be replaced
from django.http import HttpResponse

from shopops.core.access import LOGIN, access


@access(LOGIN)
def health_page(request, *args, **kwargs):
    return HttpResponse('health_page')


@access(LOGIN)
def healthz(request, *args, **kwargs):
    return HttpResponse('healthz')


@access(LOGIN)
def backup_list(request, *args, **kwargs):
    return HttpResponse('backup_list')


@access(LOGIN)
def backup_now(request, *args, **kwargs):
    return HttpResponse('backup_now')


@access(LOGIN)
def backup_download(request, *args, **kwargs):
    return HttpResponse('backup_download')


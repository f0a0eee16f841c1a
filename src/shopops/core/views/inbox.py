# TEMPORARY STUB — to be replaced
from django.http import HttpResponse

from shopops.core.access import LOGIN, access


@access(LOGIN)
def inbox(request, *args, **kwargs):
    return HttpResponse('inbox')


@access(LOGIN)
def mark_all_read(request, *args, **kwargs):
    return HttpResponse('mark_all_read')


@access(LOGIN)
def open_notification(request, *args, **kwargs):
    return HttpResponse('open_notification')


@access(LOGIN)
def unread_badge(request, *args, **kwargs):
    return HttpResponse('unread_badge')


# TEMPORARY STUB — to be replaced
from django.http import HttpResponse

from shopops.core.access import LOGIN, access


@access(LOGIN)
def settings_list(request, *args, **kwargs):
    return HttpResponse('settings_list')


@access(LOGIN)
def setting_edit(request, *args, **kwargs):
    return HttpResponse('setting_edit')


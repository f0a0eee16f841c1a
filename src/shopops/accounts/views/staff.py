# TEMPORARY STUB — to be replaced
from django.http import HttpResponse

from shopops.core.access import LOGIN, access


@access(LOGIN)
def staff_list(request, *args, **kwargs):
    return HttpResponse('staff_list')


@access(LOGIN)
def staff_create(request, *args, **kwargs):
    return HttpResponse('staff_create')


@access(LOGIN)
def staff_detail(request, *args, **kwargs):
    return HttpResponse('staff_detail')


@access(LOGIN)
def propose_roles(request, *args, **kwargs):
    return HttpResponse('propose_roles')


@access(LOGIN)
def propose_level(request, *args, **kwargs):
    return HttpResponse('propose_level')


@access(LOGIN)
def reset_password(request, *args, **kwargs):
    return HttpResponse('reset_password')


@access(LOGIN)
def role_list(request, *args, **kwargs):
    return HttpResponse('role_list')


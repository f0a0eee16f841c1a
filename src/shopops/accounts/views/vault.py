# TEMPORARY STUB — to be replaced
from django.http import HttpResponse

from shopops.core.access import LOGIN, access


@access(LOGIN)
def vault_list(request, *args, **kwargs):
    return HttpResponse('vault_list')


@access(LOGIN)
def vault_create(request, *args, **kwargs):
    return HttpResponse('vault_create')


@access(LOGIN)
def vault_detail(request, *args, **kwargs):
    return HttpResponse('vault_detail')


@access(LOGIN)
def vault_reveal(request, *args, **kwargs):
    return HttpResponse('vault_reveal')


@access(LOGIN)
def vault_propose_change(request, *args, **kwargs):
    return HttpResponse('vault_propose_change')


# TEMPORARY STUB — to be replaced
from django.http import HttpResponse

from shopops.core.access import LOGIN, access


@access(LOGIN)
def my_proposals(request, *args, **kwargs):
    return HttpResponse('my_proposals')


@access(LOGIN)
def waiting(request, *args, **kwargs):
    return HttpResponse('waiting')


@access(LOGIN)
def history(request, *args, **kwargs):
    return HttpResponse('history')


@access(LOGIN)
def proposal_detail(request, *args, **kwargs):
    return HttpResponse('proposal_detail')


@access(LOGIN)
def proposal_act(request, *args, **kwargs):
    return HttpResponse('proposal_act')


@access(LOGIN)
def chain_list(request, *args, **kwargs):
    return HttpResponse('chain_list')


@access(LOGIN)
def chain_edit(request, *args, **kwargs):
    return HttpResponse('chain_edit')


# TEMPORARY STUB — to be replaced
from django.http import HttpResponse

from shopops.core.access import LOGIN, access


@access(LOGIN)
def my_deadlines(request, *args, **kwargs):
    return HttpResponse('my_deadlines')


@access(LOGIN)
def all_deadlines(request, *args, **kwargs):
    return HttpResponse('all_deadlines')


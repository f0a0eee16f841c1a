# TEMPORARY STUB — to be replaced
from django.http import HttpResponse

from shopops.core.access import LOGIN, access


@access(LOGIN)
def home(request, *args, **kwargs):
    return HttpResponse('home')


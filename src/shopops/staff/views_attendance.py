"""Placeholder until this part's pages are written."""

from django.http import HttpResponse
from django.urls import path

from shopops.core.access import LOGIN, access


@access(LOGIN)
def my_attendance(request):
    return HttpResponse("待实现")


@access("staff.view_team")
def attendance_sheet(request):
    return HttpResponse("待实现")


@access(LOGIN)
def leave_list(request):
    return HttpResponse("待实现")


urlpatterns = [
    path("my-attendance/", my_attendance, name="my_attendance"),
    path("attendance-sheet/", attendance_sheet, name="attendance_sheet"),
    path("leave-list/", leave_list, name="leave_list"),
]

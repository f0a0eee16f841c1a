"""The customer's side of the chat, under the shop (/shop/chat/)."""

from django.urls import path

from . import shop_views as views

app_name = "shop_chat"

urlpatterns = [
    path("", views.panel, name="panel"),
    path("start/", views.start, name="start"),
    path("leave/", views.leave, name="leave"),
    path("<int:pk>/send/", views.send, name="send"),
    path("<int:pk>/messages/", views.messages, name="messages"),
    path("<int:pk>/end/", views.end, name="end"),
    path("<int:pk>/stream/", views.stream, name="stream"),
]

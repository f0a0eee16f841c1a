from django.urls import path

from . import views

app_name = "ops"

urlpatterns = [
    path("health/", views.health_page, name="health"),
    path("healthz", views.healthz, name="healthz"),
    path("backups/", views.backup_list, name="backups"),
    path("backups/run/", views.backup_now, name="backup_now"),
    path("backups/<int:pk>/download/", views.backup_download, name="backup_download"),
]

from django.urls import path

from .views import auth, staff, vault

app_name = "accounts"

urlpatterns = [
    path("login/", auth.login_view, name="login"),
    path("logout/", auth.logout_view, name="logout"),
    path("password/", auth.password_change, name="password_change"),
    path("staff/", staff.staff_list, name="staff_list"),
    path("staff/new/", staff.staff_create, name="staff_create"),
    path("staff/<int:pk>/", staff.staff_detail, name="staff_detail"),
    path("staff/<int:pk>/roles/", staff.propose_roles, name="propose_roles"),
    path("staff/<int:pk>/level/", staff.propose_level, name="propose_level"),
    path("staff/<int:pk>/reset-password/", staff.reset_password, name="reset_password"),
    path("roles/", staff.role_list, name="role_list"),
    path("vault/", vault.vault_list, name="vault"),
    path("vault/new/", vault.vault_create, name="vault_create"),
    path("vault/<int:pk>/", vault.vault_detail, name="vault_detail"),
    path("vault/<int:pk>/reveal/", vault.vault_reveal, name="vault_reveal"),
    path("vault/<int:pk>/change/", vault.vault_propose_change, name="vault_change"),
]

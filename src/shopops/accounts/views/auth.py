# TEMPORARY STUB
from django.contrib.auth import views as auth_views
from shopops.core.access import LOGIN, PUBLIC, access

login_view = access(PUBLIC)(auth_views.LoginView.as_view(template_name="accounts/login.html"))
logout_view = access(PUBLIC)(auth_views.LogoutView.as_view())
password_change = access(LOGIN)(auth_views.PasswordChangeView.as_view())

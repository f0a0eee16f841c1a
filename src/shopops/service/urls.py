"""Each area of customer service declares its own `urlpatterns` in its views module."""

from . import views_privacy
# chat
from . import views_chat, views_chat_admin, views_conversations

app_name = "service"

urlpatterns = [*views_privacy.urlpatterns]
# chat
urlpatterns += [*views_chat.urlpatterns, *views_chat_admin.urlpatterns,
                *views_conversations.urlpatterns]

"""Each area of customer service declares its own `urlpatterns` in its views module."""

# chat: views_chat (the console), views_chat_admin, views_conversations
from . import views_chat, views_chat_admin, views_conversations, views_privacy

app_name = "service"

urlpatterns = [*views_privacy.urlpatterns]
# chat
urlpatterns += [*views_chat.urlpatterns, *views_chat_admin.urlpatterns,
                *views_conversations.urlpatterns]

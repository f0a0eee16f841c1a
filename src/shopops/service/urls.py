"""Each area of customer service declares its own `urlpatterns` in its views module."""

# chat: views_chat (the console), views_chat_admin, views_conversations
from . import views_chat, views_chat_admin, views_conversations, views_privacy

# crm / quality
from . import (  # isort: skip
    views_customers, views_followups, views_quality, views_reports, views_reviews,
    views_segments)

app_name = "service"

urlpatterns = [*views_privacy.urlpatterns]
# chat
urlpatterns += [*views_chat.urlpatterns, *views_chat_admin.urlpatterns,
                *views_conversations.urlpatterns]

# crm / quality
urlpatterns += [*views_customers.urlpatterns, *views_followups.urlpatterns,
                *views_segments.urlpatterns, *views_quality.urlpatterns,
                *views_reports.urlpatterns, *views_reviews.urlpatterns]

"""The customer's side of the chat, under the shop (/shop/chat/)."""

app_name = "shop_chat"

urlpatterns = []

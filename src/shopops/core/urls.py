from django.urls import path

from .views import approvals, deadlines, events, home, inbox, live, settings

app_name = "core"

urlpatterns = [
    path("", home.home, name="home"),
    # Event log (ROLE-4)
    path("events/", events.event_list, name="events"),
    # Settings registry
    path("settings/", settings.settings_list, name="settings"),
    path("settings/<str:key>/", settings.setting_edit, name="setting_edit"),
    # Approvals (APR-1, APR-2)
    path("proposals/mine/", approvals.my_proposals, name="my_proposals"),
    path("proposals/waiting/", approvals.waiting, name="proposals_waiting"),
    path("proposals/history/", approvals.history, name="proposals_history"),
    path("proposals/<int:pk>/", approvals.proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/<str:verb>/", approvals.proposal_act, name="proposal_act"),
    path("approval-chains/", approvals.chain_list, name="approval_chains"),
    path("approval-chains/<str:kind>/", approvals.chain_edit, name="approval_chain_edit"),
    # Notifications
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/read-all/", inbox.mark_all_read, name="inbox_read_all"),
    path("inbox/<int:pk>/", inbox.open_notification, name="notification_open"),
    path("inbox/count/", inbox.unread_badge, name="inbox_count"),
    # Deadlines (APR-3)
    path("deadlines/", deadlines.my_deadlines, name="my_deadlines"),
    path("deadlines/all/", deadlines.all_deadlines, name="all_deadlines"),
    # Real-time stream (order queues)
    path("live/", live.live, name="live"),
]

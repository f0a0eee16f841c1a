"""The inbox (通知) used by APR-1..3: pages, header badge and /api/v1/notifications."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from shopops.core.models import Notification
from shopops.core.notify import notify


@pytest.fixture
def reader(make_user):
    return make_user(roles=["presale_cs"])


def _fill(user, n, *, read_every=3):
    """n messages, one minute apart (newest last); every `read_every`-th one already read."""
    start = timezone.now() - timedelta(hours=1)
    rows = []
    for i in range(n):
        rows.append(Notification(
            recipient=user, title=f"消息{i:02d}", body=f"内容{i}", link=f"/x/{i}/",
            created_at=start + timedelta(minutes=i),
            read_at=start if read_every and i % read_every == 0 else None))
    return Notification.objects.bulk_create(rows)


def test_apr3_inbox_lists_unread_first_newest_first(reader, make_user, client_for,
                                                   django_assert_max_num_queries):
    _fill(reader, 30)
    notify([make_user()], title="别人的消息")
    client = client_for(reader)

    with django_assert_max_num_queries(9):
        response = client.get("/inbox/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "别人的消息" not in html
    order = [i for i in range(30) if f"消息{i:02d}" in html]
    assert len(order) == 30
    positions = sorted(range(30), key=lambda i: html.index(f"消息{i:02d}"))
    unread = [i for i in range(29, -1, -1) if i % 3]
    read = [i for i in range(29, -1, -1) if i % 3 == 0]
    assert positions == unread + read
    assert html.count("未读</span>") == 20


def test_apr3_inbox_unread_filter_and_pages(reader, client_for):
    _fill(reader, 60, read_every=0)
    client = client_for(reader)

    first = client.get("/inbox/").content.decode()
    second = client.get("/inbox/?page=2").content.decode()
    assert "消息59" in first and "消息10" in first and "消息09" not in first
    assert "消息09" in second and "消息00" in second and "消息59" not in second
    assert "第 2 / 2 页，共 60 条" in second

    Notification.objects.filter(title="消息59").update(read_at=timezone.now())
    only_unread = client.get("/inbox/?unread=1").content.decode()
    assert "消息59" not in only_unread and "消息58" in only_unread


def test_apr3_opening_a_notification_marks_it_read_and_follows_its_link(reader, client_for):
    note = notify([reader], title="待您审批：调价", link="/proposals/5/")[0]
    client = client_for(reader)

    response = client.get(f"/inbox/{note.pk}/")

    assert response.status_code == 302 and response["Location"] == "/proposals/5/"
    note.refresh_from_db()
    assert note.read_at is not None
    first_read = note.read_at
    client.get(f"/inbox/{note.pk}/")
    note.refresh_from_db()
    assert note.read_at == first_read  # reading again keeps the first time


def test_apr3_notification_link_to_another_site_is_not_followed(reader, client_for):
    note = notify([reader], title="可疑链接", link="https://evil.example/steal")[0]
    response = client_for(reader).get(f"/inbox/{note.pk}/")
    assert response.status_code == 302 and response["Location"] == "/inbox/"


def test_apr3_nobody_opens_someone_elses_notification(reader, make_user, client_for):
    note = notify([make_user()], title="经理的消息", link="/secret/")[0]

    response = client_for(reader).get(f"/inbox/{note.pk}/", follow=True)

    assert response.redirect_chain == [("/inbox/", 302)]
    assert "没有这条通知。" in response.content.decode()
    note.refresh_from_db()
    assert note.read_at is None


def test_apr3_read_all_marks_only_mine(reader, make_user, client_for):
    _fill(reader, 5, read_every=0)
    other = notify([make_user()], title="别人的")[0]
    client = client_for(reader)

    assert client.get("/inbox/read-all/").status_code == 405
    response = client.post("/inbox/read-all/", follow=True)

    assert "已将 5 条通知标为已读。" in response.content.decode()
    assert not Notification.objects.filter(recipient=reader, read_at__isnull=True).exists()
    other.refresh_from_db()
    assert other.read_at is None


def test_apr3_unread_badge_partial(reader, client_for, django_assert_max_num_queries):
    client = client_for(reader)
    empty = client.get("/inbox/count/").content.decode()
    assert 'hx-get="/inbox/count/"' in empty and "badge" not in empty

    _fill(reader, 7, read_every=0)
    with django_assert_max_num_queries(3):
        html = client.get("/inbox/count/").content.decode()
    assert '<b class="badge" data-testid="inbox-count">7</b>' in html
    assert html.count("<a ") == 1  # just the header link: no page shell around it


def test_apr3_inbox_pages_need_login(db):
    for url in ("/inbox/", "/inbox/count/", "/inbox/1/"):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


# -- API -------------------------------------------------------------------------------


def test_apr3_api_lists_my_notifications(reader, make_user, client_for,
                                        django_assert_max_num_queries):
    _fill(reader, 30)
    notify([make_user()], title="别人的消息")
    client = client_for(reader)

    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/notifications")

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["unread"], len(body["items"])) == (30, 20, 30)
    assert body["items"][0]["title"] == "消息29" and body["items"][0]["unread"] is True
    assert body["items"][-1]["title"] == "消息00" and body["items"][-1]["unread"] is False
    assert set(body["items"][0]) == {"id", "title", "body", "link", "category", "created_at",
                                     "read_at", "unread"}

    unread = client.get("/api/v1/notifications?unread=true&limit=5&offset=5").json()
    assert unread["count"] == 20
    assert [i["title"] for i in unread["items"]] == ["消息22", "消息20", "消息19", "消息17",
                                                     "消息16"]


def test_apr3_api_count_and_mark_read(reader, make_user, client_for):
    notes = _fill(reader, 4, read_every=0)
    client = client_for(reader)
    assert client.get("/api/v1/notifications/count").json() == {"unread": 4}

    response = client.post(f"/api/v1/notifications/{notes[0].pk}/read")
    assert response.status_code == 200
    assert response.json()["changed"] is True and response.json()["id"] == notes[0].pk
    assert client.post(f"/api/v1/notifications/{notes[0].pk}/read").json()["changed"] is False
    assert client.get("/api/v1/notifications/count").json() == {"unread": 3}

    assert client.post("/api/v1/notifications/read-all").json() == {"marked": 3}
    assert client.get("/api/v1/notifications/count").json() == {"unread": 0}


def test_apr3_api_refuses_someone_elses_notification(reader, make_user, client_for):
    note = notify([make_user()], title="经理的消息")[0]

    response = client_for(reader).post(f"/api/v1/notifications/{note.pk}/read")

    assert response.status_code == 404
    assert response.json() == {"code": "notification_not_found", "message": "没有这条通知。",
                               "message_en": "No such notification."}
    note.refresh_from_db()
    assert note.read_at is None


def test_apr3_api_needs_login(db):
    assert Client().get("/api/v1/notifications").status_code == 401
    assert Client().get("/api/v1/notifications/count").status_code == 401

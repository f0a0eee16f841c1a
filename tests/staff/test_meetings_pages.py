"""HR-5 meeting pages: list (upcoming/past), scheduling, roll call with checkboxes,
training results, my meetings; who may see and do what; bounded queries."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from shopops.staff.actions import meetings as actions
from shopops.staff.models import Meeting, MeetingAttendee, Penalty, TrainingResult

A = MeetingAttendee.Status


def texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def weekly(people):
    return actions.schedule_meeting(
        actor=people.wh_boss, kind="weekly", title="仓库周会",
        starts_at=timezone.now() - timedelta(hours=1), people=[people.picker, people.packer])


def test_hr5_list_shows_upcoming_and_past(people, client_for, weekly):
    actions.schedule_meeting(actor=people.wh_boss, kind="training", title="消防培训",
                             starts_at=timezone.now() + timedelta(days=2), people=[people.cs])
    client = client_for(people.wh_boss)
    upcoming = client.get(reverse("staff:meeting_list")).content.decode()
    past = client.get(reverse("staff:meeting_list") + "?when=past").content.decode()
    assert "消防培训" in upcoming and "仓库周会" not in upcoming
    assert "仓库周会" in past and "消防培训" not in past
    assert 'data-testid="meeting-form"' in upcoming


def test_hr5_list_is_for_the_team_view_only(people, client_for, weekly):
    assert client_for(people.picker).get(reverse("staff:meeting_list")).status_code == 403
    response = client_for(people.finance).get(reverse("staff:meeting_list") + "?when=past")
    assert response.status_code == 200
    assert 'data-testid="meeting-form"' not in response.content.decode()


def test_hr5_schedule_from_the_page_by_post(people, client_for):
    response = client_for(people.wh_boss).post(reverse("staff:meeting_new"), {
        "kind": "training", "title": "验货培训", "starts_at": "2026-12-01T14:00",
        "place": "仓库", "posts": ["verifier"], "people": [str(people.picker.pk)]})
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:meeting_detail", args=[meeting.pk])
    assert texts(response) == ["已安排「验货培训」。"]
    assert timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M") == "2026-12-01 14:00"
    assert sorted(meeting.attendees.values_list("person__username", flat=True)) == [
        "zhengjie", "zhouqiang"]


def test_hr5_schedule_form_errors_are_shown(people, client_for):
    response = client_for(people.wh_boss).post(reverse("staff:meeting_new"), {
        "kind": "weekly", "title": "周会", "starts_at": "2026-12-01T14:00"})
    assert texts(response) == ["请选择参会人员或岗位。 (Choose the people or posts to invite.)"]
    assert not Meeting.objects.exists()
    forbidden = client_for(people.picker).post(reverse("staff:meeting_new"), {
        "kind": "weekly", "title": "周会", "starts_at": "2026-12-01T14:00",
        "people": [str(people.cs.pk)]})
    assert forbidden.status_code == 403
    assert not Meeting.objects.exists()


def test_hr5_roll_call_on_the_page(people, client_for, weekly):
    client = client_for(people.wh_boss)
    page = client.get(reverse("staff:meeting_detail", args=[weekly.pk])).content.decode()
    assert 'data-testid="attendance-form"' in page
    response = client.post(reverse("staff:meeting_detail", args=[weekly.pk]),
                           {"action": "attendance", "present": [str(people.picker.pk)]})
    assert texts(response) == ["点名完成：出席 1 人，请假 0 人，缺席 1 人。"]
    assert dict(weekly.attendees.values_list("person__username", "status")) == {
        "zhouqiang": A.PRESENT, "fengtao": A.ABSENT}
    assert Penalty.objects.get().person == people.packer


def test_hr5_attendee_sees_own_status_but_cannot_roll_call(people, client_for, weekly):
    actions.take_attendance(actor=people.wh_boss, meeting=weekly, present=[people.picker])
    client = client_for(people.packer)
    page = client.get(reverse("staff:meeting_detail", args=[weekly.pk])).content.decode()
    assert 'data-testid="my-status"' in page and "缺席" in page
    assert 'data-testid="attendance-form"' not in page
    response = client.post(reverse("staff:meeting_detail", args=[weekly.pk]),
                           {"action": "attendance", "present": [str(people.packer.pk)]})
    assert response.status_code == 403
    assert weekly.attendees.get(person=people.packer).status == A.ABSENT


def test_hr5_outsider_cannot_open_a_meeting(people, client_for, weekly):
    response = client_for(people.cs).get(reverse("staff:meeting_detail", args=[weekly.pk]))
    assert response.status_code == 404


def test_hr5_training_results_on_the_page(people, client_for):
    training = actions.schedule_meeting(
        actor=people.wh_boss, kind="training", title="打包培训",
        starts_at=timezone.now() - timedelta(hours=3), people=[people.packer, people.picker])
    client = client_for(people.wh_boss)
    response = client.post(reverse("staff:meeting_detail", args=[training.pk]), {
        "action": "results", "person": [str(people.packer.pk), str(people.picker.pk)],
        f"score_{people.packer.pk}": "72", f"note_{people.packer.pk}": "胶带用量偏多",
        f"score_{people.picker.pk}": ""})
    assert texts(response) == ["已登记 1 人的培训成绩。"]
    result = TrainingResult.objects.get()
    assert (result.person, result.score, result.passed, result.note) == (
        people.packer, 72, True, "胶带用量偏多")
    mine = client_for(people.packer).get(reverse("staff:my_meetings")).content.decode()
    assert "打包培训" in mine and "72" in mine and "合格" in mine


def test_hr5_my_meetings_shows_only_my_own(people, client_for, weekly):
    actions.schedule_meeting(actor=people.boss, kind="weekly", title="客服周会",
                             starts_at=timezone.now(), people=[people.cs])
    page = client_for(people.picker).get(reverse("staff:my_meetings")).content.decode()
    assert "仓库周会" in page and "客服周会" not in page


def test_hr5_meeting_list_queries_are_bounded(people, client_for, django_assert_max_num_queries):
    start = timezone.now() - timedelta(days=1)
    for i in range(60):
        meeting = Meeting.objects.create(kind="morning" if i % 2 else "other",
                                         title=f"会议{i}", starts_at=start - timedelta(days=i),
                                         host=people.wh_boss)
        MeetingAttendee.objects.bulk_create([
            MeetingAttendee(meeting=meeting, person=p, status=A.PRESENT)
            for p in (people.picker, people.packer, people.verifier)])
    client = client_for(people.wh_boss)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("staff:meeting_list") + "?when=past")
    assert response.content.decode().count('data-testid="meeting-row-') == 50
    picker = client_for(people.picker)
    with django_assert_max_num_queries(12):
        mine = picker.get(reverse("staff:my_meetings"))
    assert mine.content.decode().count('data-testid="my-meeting-') == 50
    meeting = Meeting.objects.first()
    with django_assert_max_num_queries(14):
        detail = client.get(reverse("staff:meeting_detail", args=[meeting.pk]))
    assert detail.status_code == 200

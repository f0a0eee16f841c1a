"""HR-2 with HR-3: the roster page shows who came late (or left early) on each day."""

from datetime import datetime, timedelta

from django.utils import timezone

from shopops.staff.actions import attendance
from shopops.staff.actions.roster import set_shift


def test_hr3_late_clock_in_shows_on_the_roster(people, shifts, client_for):
    day = timezone.localdate()
    set_shift(actor=people.cs_boss, person=people.cs, day=day, shift=shifts["cs_early"])
    start = timezone.make_aware(datetime.combine(day, shifts["cs_early"].start))
    attendance.clock_in(actor=people.cs, at=start + timedelta(minutes=9))
    html = client_for(people.cs_boss).get(f"/staff/roster/?month={day:%Y-%m}").content.decode()
    assert html.count('data-testid="roster-late"') == 1
    assert "迟到 9 分钟" in html

"""Reference data staff needs from the start: the seeds' shifts (HR-1) and the 处罚条例 with
its default amounts (HR-6). Put in by migration 0002 and again after a flush (post_migrate
— flush sends it too); only what is empty is filled: an administrator's edits are kept."""

from datetime import time

from django.db import transaction

# code, name, start, end, break minutes, posts
SHIFTS = [
    ("office", "办公室班", time(8, 0), time(17, 0), 60, []),
    ("cs_early", "客服早班", time(8, 30), time(18, 30), 60,
     ["presale_cs", "aftersale_cs", "cs_supervisor"]),
    ("cs_late", "客服晚班", time(13, 30), time(23, 30), 60,
     ["presale_cs", "aftersale_cs", "cs_supervisor"]),
    ("day", "白班", time(8, 30), time(17, 30), 60, []),
    ("night", "夜班", time(17, 0), time(1, 0), 60, []),
]
# code, name, yuan (处罚条例 of the seeds)
OFFENCES = [
    ("late_early", "迟到/早退", 10),
    ("off_post", "嬉戏打闹、擅离岗位", 100),
    ("task_late", "约定工作未完成或延误", 100),
    ("missed_meeting", "无故缺席会议/培训", 30),
    ("shirking", "推诿工作", 100),
    ("idle", "无所事事、不主动接手工作", 200),
    ("concealment", "隐瞒不报造成损失", 100),
    ("leak", "泄露公司计划或客户资料", 500),
    ("cleaning_missed", "值日未做", 5),
    ("eating_at_desk", "在工位吃东西", 10),
]


def ensure_seed(**_kwargs):
    from .models import Offence, Shift

    with transaction.atomic():
        if not Shift.objects.exists():
            Shift.objects.bulk_create([
                Shift(code=c, name=n, start=s, end=e, break_minutes=b, posts=p, sort_order=i)
                for i, (c, n, s, e, b, p) in enumerate(SHIFTS)])
        if not Offence.objects.exists():
            Offence.objects.bulk_create([
                Offence(code=c, name=n, amount_fen=y * 100, sort_order=i)
                for i, (c, n, y) in enumerate(OFFENCES)])

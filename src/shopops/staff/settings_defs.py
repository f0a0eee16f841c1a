"""Staff rule numbers (HR-1…HR-6, HR-KPI): the seeds' values as defaults. Each part adds
its own below; read them only through core.registry.setting()."""

from shopops.core.registry import define

G = "人事 Staff"

define("staff.full_attendance_days", 26, type="int", unit="天", min=1, max=31,
       label="满勤天数", group=G,
       description="每月出勤满这么多天为满勤（HR-1）。Days a month that count as full attendance.")

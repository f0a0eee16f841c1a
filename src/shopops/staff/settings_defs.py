"""Staff rule numbers (HR-1…HR-6, HR-KPI): the seeds' values as defaults. Each part adds
its own below; read them only through core.registry.setting()."""

from datetime import time

from shopops.core.registry import define

G = "人事 Staff"

define("staff.full_attendance_days", 26, type="int", unit="天", min=1, max=31,
       label="满勤天数", group=G,
       description="每月出勤满这么多天为满勤（HR-1）。Days a month that count as full attendance.")

# --- penalties, scorecards and the monthly sheet (HR-6, HR-KPI) -----------------------
# Points are stored as positive numbers and deducted by the rules (FUL-1…FUL-5 of the seeds).
define("staff.points.ful1_late_review", 5, type="int", unit="分", min=0, max=100,
       label="审单未当天完成扣分", group=G,
       description="截单时间前付款的订单当天未审单，当班审单员每单扣分（FUL-1）。"
                   "Points deducted per order paid before the cutoff and not reviewed that day.")
define("staff.points.ful2_late_handover", 5, type="int", unit="分", min=0, max=100,
       label="打单超时交备货扣分", group=G,
       description="波次首次打印后超过规定分钟才交给备货员，打单员扣分（FUL-2）。"
                   "Points deducted per wave handed to the picker too late after printing.")
define("staff.points.ful3_unreported_shortage", 5, type="int", unit="分", min=0, max=100,
       label="缺货未报扣分", group=G,
       description="配货后缺货由他人报缺，配货员每单扣分（FUL-3）。"
                   "Points deducted per picked order whose shortage someone else reported.")
define("staff.points.ful4_unchecked_refund", 5, type="int", unit="分", min=0, max=100,
       label="退款订单未验出扣分", group=G,
       description="验货前已登记拦截的订单在打包或交接时才被拦下，验货员每单扣分（FUL-4）。"
                   "Points deducted per order whose pending interception verification missed.")
define("staff.points.ful5_missing_slip", 1, type="int", unit="分", min=0, max=100,
       label="漏放客户联扣分", group=G,
       description="打包清单中缺少客户联的包裹，打包员每个扣分（FUL-5）。"
                   "Points deducted per parcel packed without the customer copy of the slip.")
define("staff.points.as2_wrong_decision", 5, type="int", unit="分", min=0, max=100,
       label="售后来件签收/拒收错误扣分", group=G,
       description="对能签收的件拒收、要拒收的件签收，经主管判定，售后员每件扣分（AS-2）。"
                   "Points per parcel signed or refused wrongly, as the supervisor found.")
define("staff.points.as2_not_passed_on", 5, type="int", unit="分", min=0, max=100,
       label="问题件未及时转交扣分", group=G,
       description="需要其他人跟进的问题件没有及时告知相关人员，每次扣分（AS-2）。"
                   "Points each time a problem parcel was not passed on in time.")
define("staff.points.as2_not_registered", 5, type="int", unit="分", min=0, max=100,
       label="退回物品未登记转交扣分", group=G,
       description="客户退回的物品没有登记清楚并及时转交相关人员，每次扣分（AS-2）。"
                   "Points each time returned goods were not registered and handed on.")
define("staff.reward_fen", 10000, type="int", unit="分(金额)", min=0, max=10_000_000,
       label="无差错月度奖励（分）", group=G,
       description="当月无扣分的仓库岗位员工的奖励金额，单位为分（默认 100 元）。"
                   "Monthly reward in fen for a warehouse post with a clean month.")
define("staff.payday_day", 10, type="int", unit="日", min=2, max=28,
       label="发薪日", group=G,
       description="每月发薪日；前一天自动生成上月奖罚评分表并通知主管。"
                   "Payday; the day before, last month's reward/penalty sheet is drafted.")
define("staff.scores_time", time(1, 30), type="time", unit="时:分",
       label="考核计算时间", group=G,
       description="每天此时计算本月考核记分，发薪前一天此时生成奖罚评分表。"
                   "When the running month's scores are computed (and the sheet drafted).")

# Attendance, leave and absence (HR-3, HR-4) — helper S2.
define("staff.late_grace_minutes", 0, type="int", unit="分钟", min=0, max=60,
       label="迟到宽限", group=G,
       description="上班打卡晚于班次开始不超过这么多分钟不算迟到（超过则按实际分钟计）。"
                   "Minutes after the shift start still counted as on time.")
define("staff.default_shift", "office", type="str", label="未排班时的默认班次", group=G,
       description="当天没有排班记录的人按此班次（编码）计算迟到早退。"
                   "Shift code used when a person has no roster entry that day.")
define("staff.leave_notice_days", 1, type="int", unit="天", min=0, max=30,
       label="请假提前天数", group=G,
       description="请假须至少提前这么多天申请，紧急情况（事后补假）除外（HR-4）。"
                   "Days ahead a leave request must be filed, except emergencies.")
define("staff.leave_hours_per_day", 8, type="int", unit="小时", min=1, max=24,
       label="按天请假折算小时", group=G,
       description="按天请假时每个工作日折算的小时数。Hours counted per day of leave by day.")
define("staff.daily_wage_fen", 15000, type="int", unit="分", min=0,
       label="旷工扣款（日工资）", group=G,
       description="旷工一天扣除当天工资；部门尚无工资表，按此日工资计（HR-4）。"
                   "The day's pay deducted for an absence (no salary table yet).")
define("staff.absence_consecutive_days", 3, type="int", unit="天", min=1, max=31,
       label="连续旷工提示天数", group=G,
       description="连续旷工达到这么多个排班日，提示部门经理作自动离职处理。"
                   "Consecutive absent rostered days that flag a person for dismissal.")
define("staff.absence_month_days", 5, type="int", unit="天", min=1, max=31,
       label="月旷工提示天数", group=G,
       description="一个月内旷工达到这么多天，提示部门经理作自动离职处理。"
                   "Absent days in a month that flag a person for dismissal.")
define("staff.absence_check_time", time(9, 0), type="time", unit="时:分",
       label="旷工检查时间", group=G,
       description="每天这个时间检查前一天的旷工。Time each morning the previous day is checked.")
define("staff.overnight_clock_out_hours", 6, type="int", unit="小时", min=0, max=12,
       label="夜班下班打卡宽限", group=G,
       description="夜班结束后这么多小时内的下班打卡仍算前一天的班。"
                   "Hours after an overnight shift's end a clock-out still belongs to it.")

# --- meetings and trainings (HR-5) ---------------------------------------------------
define("staff.morning_meeting_time", time(8, 15), type="time", unit="时:分",
       label="晨会时间", group=G,
       description="工作日晨会开始时间（HR-5）。When the working-day morning meeting starts.")
define("staff.morning_meeting_schedule_time", time(6, 0), type="time", unit="时:分",
       label="自动安排晨会时间", group=G,
       description="每天这个时间为排了班的员工安排未来几天的晨会（HR-5）。"
                   "Time each day the coming morning meetings are scheduled.")
define("staff.morning_meeting_days_ahead", 7, type="int", unit="天", min=1, max=31,
       label="晨会提前安排天数", group=G,
       description="自动安排从今天起这么多天内工作日的晨会。"
                   "Days ahead the morning meetings are scheduled automatically.")
define("staff.training_pass_score", 60, type="int", unit="分", min=0, max=100,
       label="培训合格分数", group=G,
       description="培训成绩达到此分数为合格（HR-5）。Training score that counts as passed.")

# --- targets and resignations (HR-7, HR-8) -------------------------------------------
define("staff.notice_days", 30, type="int", unit="天", min=0, max=365,
       label="辞职提前通知天数", group=G,
       description="辞职须提前这么多天提出，最后工作日默认为提交日加此天数（HR-8）。"
                   "Days of notice a resignation needs; the default last day.")
define("staff.handover_days", 7, type="int", unit="天", min=0, max=60,
       label="离职交接期限", group=G,
       description="最后工作日后这么多天内须完成全部交接，逾期通知部门经理（HR-8）。"
                   "Days after the last day by which every handover item must be done.")
define("staff.handover_items",
       "客户资料与聊天记录;经手订单与售后;账号密码移交;文件资料;办公用品与钥匙",
       type="str", label="默认交接清单", group=G,
       description="接受辞职时生成的交接事项，以分号分隔（HR-8）。"
                   "Default handover checklist, items separated by semicolons.")

"""The foundation's own settings (numbers from the seeds are defaults, not constants)."""

from datetime import time

from .registry import define

G_ACCOUNTS = "账号与密码 Accounts"
G_OPS = "运维 Operations"
G_DEADLINES = "时限 Deadlines"

define("accounts.password_min_length", 8, type="int", unit="位", min=6, max=64,
       label="密码最短长度", group=G_ACCOUNTS,
       description="种子制度要求不少于 6 位；默认提高到 8 位。Minimum password length.")
define("accounts.password_min_classes", 3, type="int", unit="类", min=1, max=4,
       label="密码复杂度（字符类别数）", group=G_ACCOUNTS,
       description="大写字母、小写字母、数字、符号中至少包含几类。Character classes required.")
define("accounts.password_max_age_days", 90, type="int", unit="天", min=0, max=3650,
       label="密码有效期", group=G_ACCOUNTS,
       description="到期后必须修改密码才能继续使用；0 表示不过期。Password expiry in days.")
define("accounts.login_max_failures", 5, type="int", unit="次", min=1, max=100,
       label="登录失败锁定次数", group=G_ACCOUNTS,
       description="同一账号在锁定时间窗内连续失败这么多次后暂时锁定。Failures before lock-out.")
define("accounts.login_lockout_minutes", 15, type="int", unit="分钟", min=1, max=1440,
       label="登录锁定时长", group=G_ACCOUNTS,
       description="锁定期间该账号不能登录。Lock-out window in minutes.")

define("ops.backup_retention_days", 60, type="int", unit="天", min=1, max=3650,
       label="备份保留天数", group=G_OPS, description="超过该天数的备份文件自动删除。")
define("ops.backup_retention_min_count", 4, type="int", unit="份", min=1, max=1000,
       label="至少保留备份份数", group=G_OPS,
       description="无论多旧，至少保留最近这么多份完整备份。")
define("ops.full_backup_weekday", 6, type="int", unit="星期（1=周一）", min=1, max=7,
       label="每周完整备份日", group=G_OPS, description="每周在这一天做一次完整数据库备份（OPS-1）。")
define("ops.full_backup_time", time(18, 0), type="time", unit="时:分",
       label="完整备份时间", group=G_OPS, description="完整备份在当天这个时间开始。")
define("ops.orders_backup_time", time(18, 0), type="time", unit="时:分",
       label="每日订单备份时间", group=G_OPS,
       description="每天这个时间备份订单数据（ORD-9），另有每周完整备份。"
                   "Daily order-data backup time.")
define("ops.backup_max_age_hours", 24 * 8, type="int", unit="小时", min=1,
       label="备份过期告警", group=G_OPS,
       description="最近一次成功备份早于这么多小时，健康检查报警。")
define("ops.disk_min_free_mb", 1024, type="int", unit="MB", min=0,
       label="磁盘最小剩余空间", group=G_OPS, description="剩余空间低于此值时健康检查报警。")
define("ops.heartbeat_max_age_seconds", 120, type="int", unit="秒", min=10,
       label="后台进程心跳超时", group=G_OPS,
       description="任务执行器或调度器超过这么久没有心跳即视为停止。")
define("ops.scheduler_tick_seconds", 15, type="int", unit="秒", min=1, max=600,
       label="调度器轮询间隔", group=G_OPS, description="调度器每隔多久检查到期的时限和定时任务。")

from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "shopops.ops"
    label = "ops"
    verbose_name = "运维"

    def ready(self):
        from shopops.core.event_labels import register_verbs

        from . import jobs

        jobs.register()
        register_verbs({
            "backup.made": "完成备份",
            "backup.failed": "备份失败",
            "backup.restored": "从备份恢复数据库",
            "backup.pruned": "按保留策略删除备份",
            "backup.downloaded": "下载备份文件",
        })

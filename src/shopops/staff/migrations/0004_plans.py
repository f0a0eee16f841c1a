# Written for helper M2: targets and resignations (HR-7, HR-8).

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('staff', '0003_meetings'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='MonthlyTarget',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField(verbose_name='月份')),
                ('metric', models.CharField(choices=[('sales_fen', '销售额'), ('orders', '订单数'), ('shipped', '发货单数'), ('reviewed', '审单数')], max_length=20, verbose_name='指标')),
                ('target', models.BigIntegerField(verbose_name='目标值')),
                ('note', models.CharField(blank=True, max_length=200, verbose_name='备注')),
                ('set_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='设置时间')),
                ('person', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='员工')),
                ('set_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='设置人')),
            ],
            options={
                'verbose_name': '月度目标',
                'verbose_name_plural': '月度目标',
                'ordering': ['-month', 'person_id', 'metric'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('person__isnull', False)), fields=('person', 'month', 'metric'), name='one_target_per_person_metric'), models.UniqueConstraint(condition=models.Q(('person__isnull', True)), fields=('month', 'metric'), name='one_department_target_per_metric'), models.CheckConstraint(condition=models.Q(('target__gte', 0)), name='target_not_negative')],
            },
        ),
        migrations.CreateModel(
            name='Resignation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('submitted_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='提交时间')),
                ('last_day', models.DateField(verbose_name='最后工作日')),
                ('reason', models.TextField(blank=True, verbose_name='原因')),
                ('state', models.CharField(choices=[('submitted', '已提交'), ('accepted', '已接受'), ('handed_over', '已交接'), ('left', '已离职')], db_index=True, default='submitted', max_length=12, verbose_name='状态')),
                ('handover', models.JSONField(blank=True, default=list, verbose_name='交接清单')),
                ('accepted_at', models.DateTimeField(blank=True, null=True, verbose_name='接受时间')),
                ('handed_over_at', models.DateTimeField(blank=True, null=True, verbose_name='交接完成时间')),
                ('left_at', models.DateTimeField(blank=True, null=True, verbose_name='离职时间')),
                ('accepted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='接受人')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='员工')),
            ],
            options={
                'verbose_name': '辞职',
                'verbose_name_plural': '辞职',
                'ordering': ['-submitted_at', '-pk'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('state', 'left'), _negated=True), fields=('person',), name='one_open_resignation')],
            },
        ),
    ]

"""Several plans per instance: the administrator's choice of plans, and a collection year per plan.

Collections made before this migration are the plan the instance was started with
(``WDMONITOR_PORTAL["plan"]``), which they were collected for.
"""

from django.conf import settings
from django.db import migrations, models


def _started_plan(apps, schema_editor):
    Collection = apps.get_model("portal", "Collection")  # noqa: N806 - Django's historical model
    Collection.objects.filter(plan="").update(plan=str(settings.WDMONITOR_PORTAL["plan"]))


class Migration(migrations.Migration):

    dependencies = [
        ("portal", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="PortalPlan",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("plan_id", models.CharField(help_text="a bundled plan id (wdmonitor.list_plans())", max_length=255, unique=True)),
                ("active", models.BooleanField(default=True)),
                ("changed_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "verbose_name": "报送规划 plan",
                "verbose_name_plural": "报送规划 plans",
                "ordering": ["plan_id"],
            },
        ),
        migrations.AddField(
            model_name="collection",
            name="plan",
            field=models.CharField(default="", help_text="the plan collected for (a bundled plan id)", max_length=255),
            preserve_default=False,
        ),
        migrations.RunPython(_started_plan, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="collection",
            name="year",
            field=models.PositiveIntegerField(),
        ),
        migrations.AlterModelOptions(
            name="collection",
            options={"ordering": ["-year", "plan"], "verbose_name": "报送年度 collection", "verbose_name_plural": "报送年度 collections"},
        ),
        migrations.AddConstraint(
            model_name="collection",
            constraint=models.UniqueConstraint(fields=("plan", "year"), name="one_collection_per_plan_year"),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(choices=[
                ("login", "登录 login"), ("logout", "退出 logout"), ("login_failed", "登录失败 login failed"),
                ("template", "下载模板 template"), ("upload", "上传 upload"), ("submit", "提交 submit"), ("accept", "接收 accept"),
                ("return", "退回 return"), ("download", "下载 download"), ("run", "生成结果 run"), ("denied", "拒绝访问 denied"),
                ("account_create", "新建账户 account created"), ("account_change", "修改账户 account changed"),
                ("password", "重设密码 password set"), ("plan_add", "添加规划 plan added"), ("plan_drop", "停用规划 plan dropped"),
                ("year_open", "开启年度 year opened"), ("year_close", "关闭年度 year closed"), ("busy", "系统繁忙 busy")],
                max_length=16),
        ),
    ]

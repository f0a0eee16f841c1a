"""Fixtures for the staff tests.

    people     one user per post used here: .cs (售前客服 刘洋), .cs2 (售前客服 张敏),
               .cs_boss (客服主管 周敏), .wh_boss (仓库主管 陈伟), .boss (部门经理 王建国),
               .gm (总经理 陈志远), .reviewer, .printer, .picker, .verifier, .packer,
               .finance, .admin (系统管理员)
    shifts     the seeded shifts by code: shifts["office"], ["cs_early"], ["cs_late"] …
"""

from types import SimpleNamespace

import pytest

from shopops.staff.models import Shift


@pytest.fixture
def people(make_user):
    def person(role, username, name):
        return make_user(roles=[role], username=username, display_name=name)

    return SimpleNamespace(
        cs=person("presale_cs", "liuyang", "刘洋"),
        cs2=person("presale_cs", "zhangmin", "张敏"),
        cs_boss=person("cs_supervisor", "zhoumin", "周敏"),
        wh_boss=person("warehouse_supervisor", "chenwei", "陈伟"),
        boss=person("manager", "wangjg", "王建国"),
        gm=person("general_manager", "chenzy", "陈志远"),
        reviewer=person("reviewer", "zhaomin", "赵敏"),
        printer=person("printer", "sunli", "孙丽"),
        picker=person("picker", "zhouqiang", "周强"),
        verifier=person("verifier", "zhengjie", "郑洁"),
        packer=person("packer", "fengtao", "冯涛"),
        finance=person("finance", "linna", "林娜"),
        admin=person("sysadmin", "liming", "李明"),
    )


@pytest.fixture
def shifts(db):
    return {s.code: s for s in Shift.objects.all()}

"""The `shopops` command: run, operate and back up ShopOps.

    shopops demo                 create the database, load demo data, start on :8000
    shopops serve                web server (+ worker and scheduler threads)
    shopops backup / restore F   OPS-1;   shopops health [--json]   OPS-2
    shopops createadmin NAME     the first system administrator of a new installation
    shopops manage ...           any Django management command
"""

import argparse
import json
import os
import sys


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shopops.settings")
    import django

    django.setup()


def _parser():
    parser = argparse.ArgumentParser(prog="shopops", description="ShopOps 电商运营管理系统")
    sub = parser.add_subparsers(dest="command", required=True, metavar="命令")
    sub.add_parser("migrate", help="创建/升级数据库 / apply migrations")
    for name, text in (("demo", "装入演示数据并启动 / load demo data, then serve"),
                       ("serve", "启动网站 / run the web server")):
        p = sub.add_parser(name, help=text)
        p.add_argument("--host", default="127.0.0.1")
        p.add_argument("--port", type=int, default=8000)
    sub.add_parser("worker", help="后台任务执行器 / background task worker")
    sub.add_parser("scheduler", help="定时调度器 / scheduler (deadlines, backups)")
    p = sub.add_parser("backup", help="立即备份数据库 / back up the database now")
    p.add_argument("--kind", choices=["full", "orders"], default="full")
    p = sub.add_parser("restore", help="从备份文件恢复数据库 / restore the database")
    p.add_argument("file", help="备份文件路径或文件名 / backup file")
    p.add_argument("--yes", action="store_true", help="不再确认 / do not ask")
    p = sub.add_parser("health", help="健康检查 / health checks (exit 1 if any fails)")
    p.add_argument("--json", action="store_true")
    p = sub.add_parser("createadmin", help="开设第一个系统管理员 / create the first administrator")
    p.add_argument("username")
    p.add_argument("--name", required=True, help="姓名 / display name")
    p = sub.add_parser("manage", help="Django 管理命令 / Django management commands")
    p.add_argument("args", nargs=argparse.REMAINDER)
    return parser


def main(argv=None) -> int:
    args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    _setup()
    return COMMANDS[args.command](args) or 0


def cmd_migrate(args):
    from django.core.management import call_command

    call_command("migrate", interactive=False)


def cmd_demo(args):
    cmd_migrate(args)
    try:
        from shopops.ops.demo import load_demo
    except ImportError:
        print("演示数据模块不可用 / demo data is not available (shopops.ops.demo)", file=sys.stderr)
        return 1
    accounts = load_demo()
    print("\n演示账号 Demo accounts\n" + "-" * 60)
    print(f"{'用户名 username':<22}{'密码 password':<20}岗位 role")
    for username, password, role in accounts:
        print(f"{username:<22}{password:<20}{role}")
    print("-" * 60)
    from shopops.storefront.demo import shop_banner

    print(shop_banner(f"http://{args.host}:{args.port}"))
    return cmd_serve(args)


def cmd_serve(args):
    import uvicorn

    if os.environ.get("SHOPOPS_SEPARATE_WORKERS") != "1":
        try:
            from shopops.core import scheduler, worker
        except ImportError as exc:
            print(f"后台进程不可用 / worker and scheduler unavailable: {exc}", file=sys.stderr)
        else:
            worker.start_in_thread()
            scheduler.start_in_thread()
    print(f"ShopOps 已启动：http://{args.host}:{args.port}/  (Ctrl+C 停止)")
    uvicorn.run("shopops.asgi:application", host=args.host, port=args.port)


def cmd_worker(args):
    from shopops.core.worker import run_worker_forever

    run_worker_forever()


def cmd_scheduler(args):
    from shopops.core.scheduler import run_scheduler_forever

    run_scheduler_forever()


def cmd_backup(args):
    from shopops.ops.actions import run_backup

    row = run_backup(actor=None, kind=args.kind, trigger="cli")
    if row.status != row.Status.OK:
        print(f"备份失败 / backup failed: {row.error}", file=sys.stderr)
        return 1
    print(f"备份完成 / backup done: {row.file_name}  {row.size_bytes} bytes  sha256 {row.sha256}")


def cmd_restore(args):
    from shopops.core.errors import UserError
    from shopops.ops.actions import resolve_backup_file, restore_backup
    from shopops.ops.health import running_processes

    path = resolve_backup_file(args.file)
    for name in running_processes():
        print(f"警告：{name} 仍在运行，请先停止 / still running, stop it first", file=sys.stderr)
    if not args.yes:
        print(f"将用 {path} 覆盖当前数据库的全部数据，此操作不可撤销。请先停止网站和后台进程。")
        print("This replaces ALL data in the current database. Stop the web server first.")
        if input("确认请输入 yes / type yes to continue: ").strip().lower() != "yes":
            print("已取消 / cancelled")
            return 1
    try:
        result = restore_backup(actor=None, path=path)
    except UserError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    verified = "已校验" if result["checksum_verified"] else "未登记，未校验 / not in catalogue"
    print(f"恢复完成 / restored: {result['file']}  sha256 {result['sha256']}（{verified}）")
    print("如备份来自旧版本，请运行 shopops migrate / run `shopops migrate` for an older backup")


def cmd_health(args):
    from shopops.ops import health

    checks = health.check_and_alert()
    ok = health.all_ok(checks)
    if args.json:
        print(json.dumps({"status": "ok" if ok else "fail", "checks": checks},
                         ensure_ascii=False, indent=2))
    else:
        print(health.as_text(checks))
    return 0 if ok else 1


def cmd_createadmin(args):
    import getpass

    from shopops.accounts.actions import bootstrap_admin
    from shopops.core.errors import UserError

    password = os.environ.get("SHOPOPS_ADMIN_PASSWORD") or getpass.getpass("密码 / password: ")
    try:
        user = bootstrap_admin(username=args.username, display_name=args.name, password=password)
    except UserError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    print(f"已开设系统管理员 {user.username}（{user.display_name}）/ administrator created")


def cmd_manage(args):
    from django.core.management import execute_from_command_line

    execute_from_command_line(["shopops manage", *args.args])


COMMANDS = {name.removeprefix("cmd_"): func for name, func in globals().items()
            if name.startswith("cmd_")}

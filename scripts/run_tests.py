"""`make test`: the whole suite on SQLite, then again on PostgreSQL in a fresh database.

Installs what the browser tests need (Debian's chromium) when it can, and starts Redis
for the real-time tests when it is installed but not running. Under CI (CI=true) a
missing PostgreSQL, Redis or browser is a failure, not a skip: a green CI must mean
every test ran.
"""

import os
import shutil
import socket
import subprocess
import sys
import time

CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CHROMIUM = os.environ.get("SHOPOPS_CHROMIUM", "/usr/bin/chromium")
PG_URL = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/shopops"


def say(msg):
    print(f"[make test] {msg}", flush=True)


def port_open(host, port):
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def ensure_chromium():
    if os.path.exists(CHROMIUM):
        return True
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say("安装 chromium 用于浏览器测试 / installing Debian chromium for browser tests")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], env=env, check=False)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium", "fonts-noto-cjk"], env=env, check=False)
    return os.path.exists(CHROMIUM)


def ensure_postgres():
    if os.environ.get("DATABASE_URL"):
        return True
    if port_open("127.0.0.1", 5432):
        return True
    if shutil.which("pg_ctlcluster") and os.path.isdir("/etc/postgresql"):
        for version in os.listdir("/etc/postgresql"):
            say(f"启动 PostgreSQL {version} / starting PostgreSQL {version}")
            subprocess.run(
                ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"],
                check=False,
            )
        for _ in range(20):
            if port_open("127.0.0.1", 5432):
                return True
            time.sleep(0.5)
    return False


def ensure_redis():
    """The real-time tests check the Redis fan-out when Redis runs on 127.0.0.1:6379."""
    if port_open("127.0.0.1", 6379):
        return True
    if shutil.which("redis-server"):
        say("启动 Redis / starting redis-server")
        subprocess.run(["redis-server", "--daemonize", "yes", "--save", "", "--appendonly", "no"],
                       check=False)
        for _ in range(20):
            if port_open("127.0.0.1", 6379):
                return True
            time.sleep(0.25)
    return False


def pytest(db_label, extra_env, marks):
    env = dict(os.environ, **extra_env)
    env.setdefault("PLAYWRIGHT_BROWSERS_PATH", "0")
    workers = os.environ.get("SHOPOPS_TEST_WORKERS", "2")
    args = [sys.executable, "-m", "pytest", "-n", workers, "--create-db", "-q", "-r", "fEs"]
    if marks:
        args += ["-m", marks]
    args += sys.argv[1:]
    say(f"运行测试 / running the suite on {db_label}")
    started = time.monotonic()
    code = subprocess.run(args, env=env).returncode
    say(f"{db_label}: exit {code} in {time.monotonic() - started:.0f}s")
    return code


def lint():
    say("代码检查 / ruff check")
    ruff = os.path.join(os.path.dirname(sys.executable), "ruff")
    return subprocess.run([ruff, "check", "src", "tests", "bench", "scripts"]).returncode


def main():
    if lint() != 0:
        say("错误: 代码检查未通过 / lint failed")
        return 1
    marks = []
    if not ensure_redis():
        if CI:
            say("错误: Redis 不可用，实时推送测试不能运行 / Redis unreachable in CI")
            return 1
        say("警告: Redis 不可用，跳过跨进程实时推送测试 / Redis unreachable: skipping its tests")
    if not ensure_chromium():
        if CI:
            say("错误: 无法安装 chromium，浏览器测试不能运行 / chromium missing in CI")
            return 1
        say("警告: 未找到 chromium，跳过浏览器测试 / chromium not found: skipping browser tests")
        marks.append("not browser")

    sqlite_marks = " and ".join(marks + ["not postgres_only"])
    results = {"SQLite": pytest("SQLite", {"DATABASE_URL": ""}, sqlite_marks)}

    if ensure_postgres():
        results["PostgreSQL"] = pytest("PostgreSQL", {"DATABASE_URL": PG_URL}, " and ".join(marks))
    elif CI:
        say("错误: PostgreSQL 不可用，CI 必须在 PostgreSQL 上运行测试 / PostgreSQL unreachable in CI")
        results["PostgreSQL"] = 1
    else:
        say("警告: PostgreSQL 不可用，仅在 SQLite 上运行 / PostgreSQL unreachable: SQLite only")

    for label, code in results.items():
        say(f"{label}: {'通过 passed' if code == 0 else f'失败 failed (exit {code})'}")
    return 0 if all(code == 0 for code in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Load test: gunicorn on PostgreSQL and on SQLite, driven by locust, for a bounded time.

Run from the repository root (it uses .venv/bin for imroc, gunicorn and locust):

    .venv/bin/python benchmarks/load/run_load.py            # both databases
    .venv/bin/python benchmarks/load/run_load.py --backend sqlite --duration 20   # a quick look

For each database it:
1. makes a scratch database (PostgreSQL: a database named in --pg-url, dropped and created
   again; SQLite: a file in a temporary data folder), migrates it and loads the demo;
2. collects static files and starts gunicorn on 127.0.0.1 with DEBUG off, a SECRET_KEY,
   ALLOWED_HOSTS=127.0.0.1 and IMROC_REQUIRE_2FA=0 (so the simulated people sign in with a
   password alone);
3. runs locust headless: --users simulated people, mixed traffic, for --duration seconds;
4. runs two throughput probes with the same number of users and no pause between requests:
   the site dashboard only, then /healthz only, each measured for --ratio-duration seconds
   after everyone has signed in;
5. stops gunicorn and prints a summary table.

It exits 1 if any request failed. Results (locust CSVs, results.json, gunicorn's log) are kept
in --out.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
HERE = Path(__file__).resolve().parent
LOCUSTFILE = HERE / "locustfile.py"
PASSWORD = "recovery-demo"  # noqa: S105 (the public demo password)
MIXED_CLASSES = ["SiteStaff", "ProgrammeTeam", "Learner"]

# Run inside `imroc shell`: who signs in where, which prospectuses are public, and which of
# the routes still being built (the REST API, board reports) exist in this checkout.
TARGETS_SCRIPT = r"""
import json
from django.urls import Resolver404, resolve
from imroc.college.models import College
from imroc.programme.models import SiteMembership

def exists(path):
    try:
        resolve(path)
    except Resolver404:
        return False
    return True

leads = {
    m.user.username: m.site.slug
    for m in SiteMembership.objects.filter(
        user__username__in=["site-lead-1", "site-lead-2"], role="lead"
    ).select_related("user", "site")
}
colleges = sorted(College.objects.filter(publish_prospectus=True).values_list("site__slug", flat=True))
site = leads.get("site-lead-1", "")
api_token, api_paths = "", []
if exists("/api/v1/openapi.json"):
    try:
        from benchmarks.load.api_token import make_token
        api_token, api_paths = make_token("site-lead-1", site)
    except ImportError:
        pass
print("TARGETS=" + json.dumps({
    "leads": leads,
    "programme_user": "programme-admin",
    "colleges": colleges,
    "reports": exists(f"/sites/{site}/reports/board.html") and exists(f"/sites/{site}/reports/board.pdf"),
    "api": exists("/api/v1/openapi.json"),
    "api_token": api_token,
    "api_paths": api_paths,
}))
"""


def sh(cmd, env, *, capture=False, check=True):
    result = subprocess.run(
        [str(c) for c in cmd], env=env, cwd=ROOT, text=True, capture_output=capture, check=False
    )
    if check and result.returncode != 0:
        if capture:
            sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"failed ({result.returncode}): {' '.join(map(str, cmd))}")
    return result


def machine_facts(pg_url):
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "unknown"
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    versions = {}
    for module in ("django", "gunicorn", "locust"):
        out = subprocess.run(
            [sys.executable, "-c", f"import {module}; print({module}.__version__)"],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        versions[module] = out.stdout.strip() or "?"
    import sqlite3

    pg = subprocess.run(
        ["psql", pg_url.rsplit("/", 1)[0] + "/postgres", "-Atc", "show server_version"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory": mem,
        "os": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": pg.stdout.strip() or "not reachable",
        "load_average_before": os.getloadavg(),
        **versions,
    }


def wait_for(url, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise SystemExit(f"the server did not answer {url} within {seconds} s")


def read_stats(prefix):
    def ms(text):
        return None if text in ("", "N/A") else float(text)

    rows = {}
    with open(f"{prefix}_stats.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            if int(row["Request Count"]) == 0 and int(row["Failure Count"]) == 0:
                continue
            rows[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rps": float(row["Requests/s"]),
                "p50": ms(row["50%"]),
                "p95": ms(row["95%"]),
                "p99": ms(row["99%"]),
                "max": ms(row["Max Response Time"]),
            }
    return rows


def run_locust(out, name, classes, users, spawn_rate, seconds, env, host, extra_env=None):
    prefix = out / name
    cmd = [
        BIN / "locust", "-f", LOCUSTFILE, "--headless", "--only-summary",
        "-u", users, "-r", spawn_rate, "-t", f"{seconds}s", "--stop-timeout", "10",
        "--host", host, "--csv", prefix, "--exit-code-on-error", "1", *classes,
    ]  # fmt: skip
    log = open(out / f"{name}.log", "w")  # noqa: SIM115
    started = time.monotonic()
    code = subprocess.run(
        [str(c) for c in cmd], env={**env, **(extra_env or {})}, cwd=ROOT,
        stdout=log, stderr=subprocess.STDOUT, check=False,
    ).returncode  # fmt: skip
    log.close()
    return read_stats(prefix), code, time.monotonic() - started


def start_server(env, port, workers, threads, log_path):
    log = open(log_path, "w")  # noqa: SIM115
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"), "imroc.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
            "--threads", str(threads), "--worker-class", "gthread",
            "--timeout", "60", "--graceful-timeout", "10",
            # Keep idle connections open longer than a simulated person pauses (at most 15 s),
            # as a proxy in front would; otherwise a request can race the server closing it.
            "--keep-alive", "30", "--no-control-socket",
        ],
        env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    return server, log


def stop_server(server):
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def prepare(backend, args, out):
    data_dir = out / backend / "var"
    targets_file = out / backend / "targets.json"
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "PYTEST_CURRENT_TEST"}
    }
    env.update(
        {
            "DEBUG": "0",
            "IMROC_TESTING": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "IMROC_REQUIRE_2FA": "0",
            "IMROC_DATA_DIR": str(data_dir),
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),  # for benchmarks.load.api_token, when the API exists
        }
    )
    if backend == "postgres":
        env["DATABASE_URL"] = args.pg_url
    if args.reuse and targets_file.exists():
        print(f"  {backend}: reusing the database prepared by an earlier run in {out}")
        return env, json.loads(targets_file.read_text())
    if backend == "postgres":
        server_url, db_name = args.pg_url.rsplit("/", 1)
        sh(
            [
                "dropdb",
                "--if-exists",
                "--force",
                f"--maintenance-db={server_url}/postgres",
                db_name,
            ],
            env,
        )
        sh(["createdb", f"--maintenance-db={server_url}/postgres", db_name], env)
    imroc = BIN / "imroc"
    t = time.monotonic()
    sh([imroc, "migrate", "--noinput", "-v", "0"], env)
    sh([imroc, "demo", "--password", PASSWORD], {**env, "DEBUG": "1"}, capture=True)
    sh([imroc, "collectstatic", "--noinput", "-v", "0"], env)
    print(f"  {backend}: migrated, demo loaded, static collected in {time.monotonic() - t:.0f} s")
    shell = sh([imroc, "shell", "-v", "0", "-c", TARGETS_SCRIPT], env, capture=True)
    line = next(x for x in shell.stdout.splitlines() if x.startswith("TARGETS="))
    targets = {"password": PASSWORD, **json.loads(line.removeprefix("TARGETS="))}
    targets_file.write_text(json.dumps(targets, indent=2))
    return env, targets


def run_backend(backend, args, out):
    print(f"\n== {backend}")
    env, targets = prepare(backend, args, out)
    classes = list(MIXED_CLASSES)
    if targets.get("api_token"):
        classes.append("ApiClient")
    run_env = {**env, "LOAD_TARGETS": str(out / backend / "targets.json")}
    host = f"http://127.0.0.1:{args.port}"
    server, log = start_server(env, args.port, args.workers, args.threads, out / backend / "gunicorn.log")  # fmt: skip
    try:
        wait_for(f"{host}/healthz")
        load_before = os.getloadavg()
        mixed, mixed_code = {}, 0
        if args.only in ("all", "mixed"):
            print(f"  mixed traffic: {args.users} users for {args.duration} s ({', '.join(classes)})")  # fmt: skip
            mixed, mixed_code, _ = run_locust(
                out / backend, "mixed", classes, args.users, args.spawn_rate, args.duration,
                run_env, host,
            )  # fmt: skip
        ratio = {}
        probes = [("dashboard", "SiteDashboardOnly"), ("healthz", "HealthzOnly")]
        for name, cls in probes if args.only in ("all", "probes") else []:
            print(f"  throughput probe: {cls}, {args.users} users, {args.ratio_duration} s after sign-in")  # fmt: skip
            stats, code, _ = run_locust(
                out / backend, f"ratio-{name}", [cls], args.users, args.users,
                args.ratio_duration + 240, run_env, host,
                # Closed loop with no pause: each request waits behind the other users', so
                # allow it longer than in the mixed run before calling it a failure.
                {"LOAD_MEASURE_SECONDS": str(args.ratio_duration), "LOAD_TIMEOUT": "300"},
            )  # fmt: skip
            ratio[name] = {"stats": stats, "exit": code}
        load_after = os.getloadavg()
    finally:
        stop_server(server)
        log.close()
        if backend == "postgres" and not args.keep:
            server_url, db_name = args.pg_url.rsplit("/", 1)
            sh(["dropdb", "--if-exists", "--force", f"--maintenance-db={server_url}/postgres", db_name], env, check=False)  # fmt: skip
    return {
        "targets": {k: v for k, v in targets.items() if k not in ("password", "api_token")},
        "classes": classes,
        "mixed": mixed,
        "mixed_exit": mixed_code,
        "ratio": ratio,
        "load_average": {"before": load_before, "after": load_after},
    }


def _row(name, s):
    return f"| {name} | {s['requests']:,} | {s['failures']} | {s['rps']:.1f} | {s['p50']:.0f} | {s['p95']:.0f} | {s['p99']:.0f} |"  # fmt: skip


def summary(results, facts, args):
    lines = [
        f"Machine: {facts['cores']} cores ({facts['cpu']}), {facts['memory']}, {facts['os']}; "
        f"Python {facts['python']}, Django {facts['django']}, gunicorn {facts['gunicorn']} "
        f"({args.workers} workers x {args.threads} threads, gthread), locust {facts['locust']} "
        f"on the same machine; PostgreSQL {facts['postgresql']}, SQLite {facts['sqlite']}. "
        f"Load average before: {' '.join(f'{x:.2f}' for x in facts['load_average_before'])}.",
        "",
    ]
    for backend, result in results.items():
        mixed = result["mixed"]
        title = f"mixed traffic, {args.users} users, {args.duration} s" if mixed else "throughput probes only"  # fmt: skip
        load = result["load_average"]
        lines += [
            f"### {backend}: {title}",
            "",
            "Load average (1, 5, 15 min) on the machine: "
            + " / ".join(
                f"{w} {' '.join(f'{x:.1f}' for x in load[w])}" for w in ("before", "after")
            )
            + ".",
            "",
        ]
        if mixed:
            lines += [
                "| endpoint group | requests | failures | req/s | p50 ms | p95 ms | p99 ms |",
                "|---|---|---|---|---|---|---|",
            ]
        for name in sorted(k for k in mixed if k != "Aggregated"):
            lines.append(_row(name, mixed[name]))
        if mixed:
            lines.append(_row("**overall**", mixed["Aggregated"]))
        ratio = result["ratio"]
        dash = ratio.get("dashboard", {}).get("stats", {}).get("dashboard: site")
        health = ratio.get("healthz", {}).get("stats", {}).get("healthz")
        lines.append("")
        if dash and health:
            lines += [
                f"Throughput probe ({args.users} users, no pause, {args.ratio_duration} s after all signed in):",
                "",
                "| view | requests | failures | req/s | p50 ms | p95 ms | p99 ms |",
                "|---|---|---|---|---|---|---|",
                _row("site dashboard", dash),
                _row("/healthz", health),
                "",
                f"Site dashboard throughput / /healthz throughput = **{dash['rps'] / health['rps']:.2f}** "
                f"({dash['rps']:.1f} / {health['rps']:.1f} req/s).",
                "",
            ]
        else:
            lines += ["Throughput probe: no figures (see the ratio-*.log files).", ""]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["postgres", "sqlite", "both"], default="both")
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--spawn-rate", type=int, default=20)
    parser.add_argument("--duration", type=int, default=60, help="mixed traffic, seconds")
    parser.add_argument("--ratio-duration", type=int, default=20, help="each throughput probe, seconds")  # fmt: skip
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/imroc_load")
    parser.add_argument("--out", type=Path, default=None, help="folder for results (default: a new temporary folder)")  # fmt: skip
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database afterwards")  # fmt: skip
    parser.add_argument("--only", choices=["all", "mixed", "probes"], default="all", help="run only the mixed traffic or only the throughput probes")  # fmt: skip
    parser.add_argument("--reuse", action="store_true", help="with --out and --keep from an earlier run: skip migrating and loading the demo")  # fmt: skip
    args = parser.parse_args(argv)
    if not (BIN / "gunicorn").exists() or not (BIN / "locust").exists():
        raise SystemExit(f"gunicorn and locust must be installed next to {sys.executable}")
    out = args.out or Path(tempfile.mkdtemp(prefix="imroc-load-"))
    out.mkdir(parents=True, exist_ok=True)
    facts = machine_facts(args.pg_url)
    backends = ["postgres", "sqlite"] if args.backend == "both" else [args.backend]
    started = time.monotonic()
    results = {b: run_backend(b, args, out) for b in backends}
    (out / "results.json").write_text(json.dumps({"facts": facts, "results": results}, indent=2))
    text = summary(results, facts, args)
    (out / "summary.md").write_text(text + "\n")
    print("\n" + text)
    failures = sum(
        r["mixed"].get("Aggregated", {}).get("failures", 0) for r in results.values()
    ) + sum(
        s["stats"].get("Aggregated", {}).get("failures", 0)
        for r in results.values()
        for s in r["ratio"].values()
    )
    exits = [r["mixed_exit"] for r in results.values()] + [
        s["exit"] for r in results.values() for s in r["ratio"].values()
    ]
    print(f"Total time {time.monotonic() - started:.0f} s. Results in {out}")
    if failures or any(exits):
        print(f"FAILED: {failures} failed requests; locust exit codes {exits}")
        return 1
    print("No failed requests.")
    if args.out is None and not args.keep:
        shutil.rmtree(out / "postgres" / "var", ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

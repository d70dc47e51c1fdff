#!/usr/bin/env python3
"""Load generator for the morning sign-in storm (Benchmarks/signin-storm.sh runs it).

Python 3.11 standard library only (threads + http.client), so it needs no virtual environment.

  signin_storm.py passwords < users.tsv > credentials.csv
      From `kakehashi users list` lines (username<TAB>…), write `username,password` lines with a
      distinct random password per user (16 characters), for `users import-passwords`.

  signin_storm.py run --url http://127.0.0.1:8080 --credentials credentials.csv --tenant bench \\
                      [--signins 1000] [--clients 50] [--duration 60] [--server-pid PID] [--source-address 127.0.0.1]
      CLIENTS threads sign SIGNINS distinct accounts in. One sign-in: GET /signin (form cookie and
      CSRF token), POST /signin (expect 303 to /home with a session cookie), GET /home (expect 200).
      Sign-ins are released on an even schedule over DURATION seconds (sign-in i at start +
      i x DURATION/SIGNINS, taken by whichever client is free); DURATION 0 releases them all at
      once (flat out, for the maximum throughput). Each sign-in opens its own connection (a
      different device), kept alive for its three requests. With --server-pid, the server's
      VmRSS is sampled every 200 ms and its VmHWM read at the end. Prints one JSON object.
"""
from __future__ import annotations

import argparse
import csv
import http.client
import json
import os
import re
import secrets
import sys
import threading
import time
import urllib.parse

CSRF_RE = re.compile(r'<input[^>]*\bname="csrf"[^>]*>')
VALUE_RE = re.compile(r'\bvalue="([^"]*)"')
ERROR_SAMPLES = 5


def cookie_from(response: http.client.HTTPResponse, name: str) -> str | None:
    """The value of cookie `name` in the response's Set-Cookie headers (None if absent or cleared)."""
    for header in response.headers.get_all("Set-Cookie") or []:
        first = header.split(";", 1)[0]
        key, _, value = first.partition("=")
        if key.strip() == name and value.strip():
            return value.strip()
    return None


def csrf_from(html: str) -> str | None:
    match = CSRF_RE.search(html)
    if not match:
        return None
    value = VALUE_RE.search(match.group(0))
    return value.group(1) if value else None


class SignInError(Exception):
    def __init__(self, step: str, status: int | str, body: bytes | str):
        super().__init__(step)
        self.step = step
        self.status = status
        self.body = body if isinstance(body, str) else body[:200].decode("utf-8", "replace")


def sign_in(host: str, port: int, tenant: str, username: str, password: str, source: str | None, timeout: float) -> dict[str, float]:
    """One full sign-in; returns step latencies in seconds, raises SignInError."""
    connection = http.client.HTTPConnection(host, port, timeout=timeout, source_address=(source, 0) if source else None)
    host_header = f"{host}:{port}"
    try:
        t0 = time.perf_counter()
        try:
            connection.request("GET", "/signin", headers={"Host": host_header, "Accept-Language": "ja"})
            response = connection.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException) as error:
            raise SignInError("GET /signin", type(error).__name__, str(error)) from None
        if response.status != 200:
            raise SignInError("GET /signin", response.status, body)
        form_cookie = cookie_from(response, "kakehashi_form")
        csrf = csrf_from(body.decode("utf-8", "replace"))
        if not form_cookie or not csrf:
            raise SignInError("GET /signin (no form cookie or csrf input)", response.status, body)
        t1 = time.perf_counter()
        payload = urllib.parse.urlencode({"tenant": tenant, "username": username, "password": password, "csrf": csrf})
        try:
            connection.request("POST", "/signin", body=payload, headers={
                "Host": host_header, "Accept-Language": "ja", "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"kakehashi_form={form_cookie}"})
            response = connection.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException) as error:
            raise SignInError("POST /signin", type(error).__name__, str(error)) from None
        t2 = time.perf_counter()
        session = cookie_from(response, "kakehashi_session")
        if response.status != 303 or response.getheader("Location") != "/home" or not session:
            raise SignInError("POST /signin", response.status, body)
        try:
            connection.request("GET", "/home", headers={"Host": host_header, "Accept-Language": "ja", "Cookie": f"kakehashi_session={session}"})
            response = connection.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException) as error:
            raise SignInError("GET /home", type(error).__name__, str(error)) from None
        t3 = time.perf_counter()
        if response.status != 200:
            raise SignInError("GET /home", response.status, body)
        return {"form": t1 - t0, "post": t2 - t1, "signin": t2 - t0, "home": t3 - t2, "total": t3 - t0}
    finally:
        connection.close()


def percentiles(values: list[float]) -> dict[str, float | None]:
    """p50/p95/p99/max/mean in milliseconds (nearest rank)."""
    if not values:
        return {"p50": None, "p95": None, "p99": None, "max": None, "mean": None}
    ordered = sorted(values)

    def rank(p: float) -> float:
        index = max(0, min(len(ordered) - 1, -(-len(ordered) * p // 100) - 1))
        return ordered[int(index)]

    return {
        "p50": round(rank(50) * 1000, 1), "p95": round(rank(95) * 1000, 1), "p99": round(rank(99) * 1000, 1),
        "max": round(ordered[-1] * 1000, 1), "mean": round(sum(ordered) / len(ordered) * 1000, 1),
    }


def read_status_kb(pid: int, field: str) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process so far (from /proc/PID/stat)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def run(args: argparse.Namespace) -> int:
    url = urllib.parse.urlsplit(args.url)
    host, port = url.hostname or "127.0.0.1", url.port or 80
    with open(args.credentials, newline="") as file:
        credentials = [(row[0], row[1]) for row in csv.reader(file) if len(row) >= 2]
    if len(credentials) < args.signins:
        print(f"only {len(credentials)} credentials for {args.signins} sign-ins (each sign-in is a distinct account)", file=sys.stderr)
        return 2
    credentials = credentials[: args.signins]
    interval = args.duration / args.signins if args.signins else 0.0

    lock = threading.Lock()
    next_index = 0
    results: list[dict[str, float]] = []
    late: list[float] = []
    errors: list[dict[str, object]] = []
    error_count = 0
    finished = 0
    start = time.perf_counter() + 0.5  # every thread is up before the first release

    def client() -> None:
        nonlocal next_index, error_count, finished
        while True:
            with lock:
                index = next_index
                next_index += 1
            if index >= len(credentials):
                return
            release = start + index * interval
            delay = release - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            lateness = max(0.0, time.perf_counter() - release)
            username, password = credentials[index]
            try:
                timings = sign_in(host, port, args.tenant, username, password, args.source_address, args.timeout)
                with lock:
                    results.append(timings)
                    late.append(lateness)
            except SignInError as error:
                with lock:
                    error_count += 1
                    late.append(lateness)
                    if len(errors) < ERROR_SAMPLES:
                        errors.append({"username": username, "step": error.step, "status": error.status, "body": error.body})
            except Exception as error:  # noqa: BLE001 - every failure is an error of the run, never a crash of it
                with lock:
                    error_count += 1
                    late.append(lateness)
                    if len(errors) < ERROR_SAMPLES:
                        errors.append({"username": username, "step": "client", "status": type(error).__name__, "body": str(error)[:200]})
            with lock:
                finished += 1

    # Server memory: VmRSS every 200 ms during the storm, VmHWM (the kernel's peak) at the end.
    sampling = threading.Event()
    rss_samples: list[int] = []

    def sample_memory() -> None:
        while not sampling.is_set():
            kb = read_status_kb(args.server_pid, "VmRSS")
            if kb is not None:
                rss_samples.append(kb)
            sampling.wait(0.2)

    sampler = threading.Thread(target=sample_memory, daemon=True) if args.server_pid else None
    rss_before = read_status_kb(args.server_pid, "VmRSS") if args.server_pid else None
    cpu_before = cpu_seconds(args.server_pid) if args.server_pid else None
    own_cpu_before = time.process_time()
    if sampler:
        sampler.start()
    threads = [threading.Thread(target=client, daemon=True) for _ in range(args.clients)]
    for thread in threads:
        thread.start()
    last_report = time.perf_counter()
    while any(thread.is_alive() for thread in threads):
        time.sleep(0.2)
        if args.progress and time.perf_counter() - last_report >= 10:
            last_report = time.perf_counter()
            with lock:
                print(f"  {finished}/{len(credentials)} sign-ins, {error_count} errors, {last_report - start:.0f} s", file=sys.stderr)
    wall = time.perf_counter() - start
    sampling.set()
    if sampler:
        sampler.join()
    hwm = read_status_kb(args.server_pid, "VmHWM") if args.server_pid else None
    cpu_after = cpu_seconds(args.server_pid) if args.server_pid else None
    server_cpu = cpu_after - cpu_before if cpu_before is not None and cpu_after is not None else None
    own_cpu = time.process_time() - own_cpu_before

    def mb(kb: int | None) -> float | None:
        return round(kb / 1024, 1) if kb is not None else None

    report = {
        "signins": len(credentials),
        "succeeded": len(results),
        "errors": error_count,
        "error_samples": errors,
        "clients": args.clients,
        "duration_s": args.duration,
        "wall_s": round(wall, 2),
        "throughput_per_s": round(len(results) / wall, 2) if wall > 0 else None,
        "latency_ms": {
            "signin": percentiles([r["signin"] for r in results]),  # GET /signin + POST /signin
            "post": percentiles([r["post"] for r in results]),      # POST /signin alone
            "form": percentiles([r["form"] for r in results]),      # GET /signin alone
            "home": percentiles([r["home"] for r in results]),      # GET /home after the redirect
            "total": percentiles([r["total"] for r in results]),    # all three requests
        },
        # How late sign-ins started against the schedule (all clients busy): large values mean
        # the server (or this generator) did not keep up with the requested pace.
        "start_lag_ms": percentiles(late),
        "server": {
            "pid": args.server_pid,
            "rss_before_mb": mb(rss_before),
            "rss_peak_sampled_mb": mb(max(rss_samples)) if rss_samples else None,
            "vmhwm_mb": mb(hwm),
            # CPU seconds the server used during the storm, and per sign-in (all three requests).
            "cpu_s": round(server_cpu, 2) if server_cpu is not None else None,
            "cpu_ms_per_signin": round(server_cpu * 1000 / len(credentials), 1) if server_cpu is not None else None,
        },
        # This generator's own CPU: it shares the machine with the server.
        "generator_cpu_s": round(own_cpu, 2),
    }
    json.dump(report, sys.stdout)
    sys.stdout.write("\n")
    return 0


def passwords(_: argparse.Namespace) -> int:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    for line in sys.stdin:
        username = line.rstrip("\n").split("\t", 1)[0]
        if username:
            writer.writerow([username, secrets.token_urlsafe(12)])
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("passwords", help="users list lines on stdin -> username,password CSV on stdout")
    make.set_defaults(handler=passwords)
    storm = commands.add_parser("run", help="run the storm, print one JSON object")
    storm.add_argument("--url", required=True, help="server base URL, e.g. http://127.0.0.1:8080")
    storm.add_argument("--credentials", required=True, help="username,password CSV (no header)")
    storm.add_argument("--tenant", required=True)
    storm.add_argument("--signins", type=int, default=1000)
    storm.add_argument("--clients", type=int, default=50)
    storm.add_argument("--duration", type=float, default=60.0, help="seconds to spread the sign-ins over; 0 = flat out")
    storm.add_argument("--server-pid", type=int, default=0, help="sample this process's memory")
    storm.add_argument("--source-address", default=None, help="local address to connect from (the server's rate limits count per address)")
    storm.add_argument("--timeout", type=float, default=60.0, help="seconds per request before it counts as an error")
    storm.add_argument("--progress", action="store_true", help="a progress line on stderr every 10 s")
    storm.set_defaults(handler=run)
    args = parser.parse_args()
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())

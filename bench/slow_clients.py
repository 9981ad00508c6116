#!/usr/bin/env python3
"""Slow and idle clients against a running Laksana server, and what an ordinary client sees meanwhile.

The attacker (from 127.0.0.2, so that the server counts it as another client) keeps ATTACKERS sockets
open that send half a request head and then nothing, reopening each one the server closes. Meanwhile an
ordinary client (from 127.0.0.1) reads /healthz and an Open311 service list every 50 ms and submits a
report every second. Prints the ordinary client's p50/p99 and failures, the attacker's sockets, and the
server's peak resident memory. Loopback only.

The attacker and the ordinary client run as two processes, so that the attacker's own work does not
delay the measurement: `slow_clients.py attack BASE_URL ATTACKERS` runs until killed (printing its
counts on SIGTERM); `slow_clients.py measure BASE_URL SERVER_PID API_KEY DURATION_S` measures.
"""

import asyncio
import resource
import sys
import time
import urllib.parse


async def attacker(host, port, stats, stop):
    while not stop.is_set():
        try:
            reader, writer = await asyncio.open_connection(host, port, local_addr=("127.0.0.2", 0))
        except OSError:
            stats["connect_errors"] += 1
            await asyncio.sleep(0.05)
            continue
        stats["open"] += 1
        try:
            writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
            await writer.drain()
            # Wait until the server gives up on us (or we stop).
            await asyncio.wait_for(reader.read(4096), timeout=300)
            stats["closed_by_server"] += 1
        except (OSError, asyncio.TimeoutError):
            pass
        finally:
            stats["open"] -= 1
            writer.close()
        # Come back a moment later, as a client that wants to keep its sockets would.
        await asyncio.sleep(1)


async def one_request(host, port, method, path, body=b"", ctype=None):
    started = time.monotonic()
    reader, writer = await asyncio.open_connection(host, port, local_addr=("127.0.0.1", 0))
    head = f"{method} {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n"
    if body:
        head += f"Content-Type: {ctype}\r\nContent-Length: {len(body)}\r\n"
    writer.write(head.encode() + b"\r\n" + body)
    await writer.drain()
    data = await asyncio.wait_for(reader.read(), timeout=30)
    writer.close()
    status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/1.1 ") else 0
    return status, (time.monotonic() - started) * 1000


async def ordinary(host, port, key, results, stop):
    tick = 0
    while not stop.is_set():
        if tick % 20 == 0:
            body = urllib.parse.urlencode({
                "api_key": key, "service_code": "pju-mati", "lat": "-6.17", "long": "106.63",
                "description": f"Lampu jalan mati (slow-client bench {tick})",
            }).encode()
            req = ("POST", "/open311/v2/requests.json", body, "application/x-www-form-urlencoded", "submit")
        elif tick % 2 == 0:
            req = ("GET", "/healthz", b"", None, "healthz")
        else:
            req = ("GET", "/open311/v2/services.json?jurisdiction_id=tangerangkota.go.id", b"", None, "read")
        try:
            status, ms = await one_request(host, port, req[0], req[1], req[2], req[3])
        except (OSError, asyncio.TimeoutError, IndexError, ValueError):
            status, ms = 0, 30000.0
        results.setdefault(req[4], []).append((status, ms))
        tick += 1
        await asyncio.sleep(0.05)


def peak_rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] if values else float("nan")


async def attack(base, attackers):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    attackers = min(attackers, hard - 200)
    url = urllib.parse.urlparse(base)
    stats = {"open": 0, "closed_by_server": 0, "connect_errors": 0}
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(15, stop.set)
    tasks = [asyncio.create_task(attacker(url.hostname, url.port, stats, stop)) for _ in range(attackers)]
    most_open = 0
    started = time.monotonic()
    while not stop.is_set():
        await asyncio.sleep(0.5)
        most_open = max(most_open, stats["open"])
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    print(f"attack: {attackers} slow clients from 127.0.0.2 for {time.monotonic() - started:.0f} s; at most "
          f"{most_open} sockets open at once; {stats['closed_by_server']} closed or refused by the server; "
          f"{stats['connect_errors']} connects failed", flush=True)


async def measure(base, pid, key, duration):
    url = urllib.parse.urlparse(base)
    results = {}
    stop = asyncio.Event()
    task = asyncio.create_task(ordinary(url.hostname, url.port, key, results, stop))
    await asyncio.sleep(duration)
    stop.set()
    await task
    ok = {"healthz": 200, "read": 200, "submit": 201}
    bad = 0
    for name in ("healthz", "read", "submit"):
        rows = results.get(name, [])
        ms = [m for _, m in rows]
        failed = sum(1 for s, _ in rows if s != ok[name])
        bad += failed
        print(f"ordinary {name}: {len(rows)} requests, p50 {pct(ms, 0.5):.1f} ms, p99 {pct(ms, 0.99):.1f} ms, "
              f"failed {failed}")
    print(f"server peak resident memory: {peak_rss_mb(pid):.0f} MB")
    return bad


if sys.argv[1] == "attack":
    asyncio.run(attack(sys.argv[2], int(sys.argv[3])))
else:
    sys.exit(1 if asyncio.run(measure(sys.argv[2], int(sys.argv[3]), sys.argv[4], float(sys.argv[5]))) else 0)

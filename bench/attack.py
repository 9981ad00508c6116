#!/usr/bin/env python3
"""Attacks on a running Laksana server, and what an ordinary client sees meanwhile. Loopback only.

The attacker runs from 127.0.0.2, so that the server counts it as another client:
  slow    ATTACKERS sockets that send half a request head and then nothing, reopened a second after
          the server closes or refuses them;
  login   ATTACKERS workers signing in with unknown emails as fast as they are answered;
  intake  ATTACKERS workers submitting Open311 reports with their own API key, naming one email;
  bombs   ATTACKERS workers uploading a 1 KB PNG that declares 8000 x 8000 16-bit pixels;
  uploads ATTACKERS workers sending a multipart photo without api_key, one byte every 100 ms;
  codes   ATTACKERS workers guessing a report's follow-up code, each request from another random
          address in 127.0.0.0/8 (up to millions of distinct addresses).
Meanwhile the ordinary client (from 127.0.0.1, a separate process so that the attacker's own work
does not delay it) reads /healthz and an Open311 service list every 50 ms and submits a report every
second. It prints each kind's p50/p99 and failures and the server's peak resident memory.

  attack.py attack KIND BASE_URL ATTACKERS [API_KEY]   runs until SIGTERM, then prints its counts
  attack.py measure BASE_URL SERVER_PID API_KEY DURATION_S
"""

import asyncio
import json
import random
import resource
import struct
import zlib
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


async def send(host, port, head, body, stats, source="127.0.0.2"):
    """One request from the attacker's address; counts answers by status."""
    try:
        reader, writer = await asyncio.open_connection(host, port, local_addr=(source, 0))
        writer.write(head + body)
        await writer.drain()
        data = await asyncio.wait_for(reader.read(512), timeout=60)
        writer.close()
        status = data.split(b" ", 2)[1].decode() if data.startswith(b"HTTP/1.1 ") else "none"
    except (OSError, asyncio.TimeoutError, IndexError):
        status = "error"
    stats[status] = stats.get(status, 0) + 1


def bomb_png():
    """A PNG of about a kilobyte that declares 8000 x 8000 16-bit grey pixels."""
    ihdr = struct.pack(">IIBBBBB", 8000, 8000, 16, 0, 0, 0, 0)
    chunk = lambda kind, data: struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 4096)) + chunk(b"IEND", b"")


def multipart(fields, boundary="laksanabench"):
    out = b""
    for name, value, filename in fields:
        out += f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"".encode()
        out += (f"; filename=\"{filename}\"\r\nContent-Type: image/png" if filename else "").encode()
        out += b"\r\n\r\n" + value + b"\r\n"
    return out + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


async def worker(kind, host, port, key, stats, stop):
    n = 0
    while not stop.is_set():
        n += 1
        if kind == "login":
            body = json.dumps({"email": f"x{random.random()}@nowhere.test", "password": "salah-salah-salah"}).encode()
            head = (f"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
            await send(host, port, head, body, stats)
        elif kind == "intake":
            body = urllib.parse.urlencode({
                "api_key": key, "service_code": "pju-mati", "lat": "-6.17", "long": "106.63",
                "description": f"Banjir laporan {n}", "email": "korban@contoh.id"}).encode()
            head = (f"POST /open311/v2/requests.json HTTP/1.1\r\nHost: x\r\nContent-Type: "
                    f"application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
            await send(host, port, head, body, stats)
        elif kind == "bombs":
            body, ctype = multipart([
                ("api_key", key.encode(), None), ("service_code", b"pju-mati", None), ("lat", b"-6.17", None),
                ("long", b"106.63", None), ("description", b"Bom dekompresi", None), ("media", bomb_png(), "b.png")])
            head = (f"POST /open311/v2/requests.json HTTP/1.1\r\nHost: x\r\nContent-Type: {ctype}\r\n"
                    f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
            await send(host, port, head, body, stats)
        elif kind == "codes":
            source = f"127.{random.randint(1, 254)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
            head = (f"GET /api/v1/reports/{key}?jurisdiction_id=tangerangkota.go.id HTTP/1.1\r\nHost: x\r\n"
                    f"X-Follow-Up-Code: {random.randint(0, 10**9):010d}\r\nConnection: close\r\n\r\n").encode()
            await send(host, port, head, b"", stats, source)
        elif kind == "uploads":
            size = 9_500_000
            head = (f"POST /open311/v2/requests.json HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; "
                    f"boundary=laksanabench\r\nContent-Length: {size}\r\nConnection: close\r\n\r\n").encode()
            part = b'--laksanabench\r\nContent-Disposition: form-data; name="media"; filename="a.jpg"\r\n\r\n'
            try:
                reader, writer = await asyncio.open_connection(host, port, local_addr=("127.0.0.2", 0))
                writer.write(head + part)
                await writer.drain()
                sent = len(part)
                status = "none"
                while sent < size and not stop.is_set():
                    try:
                        data = await asyncio.wait_for(reader.read(512), timeout=0.1)
                        status = data.split(b" ", 2)[1].decode() if data.startswith(b"HTTP/1.1 ") else "closed"
                        break
                    except asyncio.TimeoutError:
                        writer.write(b"\xff" * 1)
                        await writer.drain()
                        sent += 1
                writer.close()
            except (OSError, IndexError):
                status = "error"
            stats[status] = stats.get(status, 0) + 1


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


async def attack(kind, base, attackers, key):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    attackers = min(attackers, hard - 200)
    url = urllib.parse.urlparse(base)
    stats = {"open": 0, "closed_by_server": 0, "connect_errors": 0}
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(15, stop.set)
    if kind == "slow":
        tasks = [asyncio.create_task(attacker(url.hostname, url.port, stats, stop)) for _ in range(attackers)]
    else:
        tasks = [asyncio.create_task(worker(kind, url.hostname, url.port, key, stats, stop)) for _ in range(attackers)]
    most_open = 0
    started = time.monotonic()
    while not stop.is_set():
        await asyncio.sleep(0.5)
        most_open = max(most_open, stats["open"])
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    took = time.monotonic() - started
    if kind == "slow":
        print(f"attack: {attackers} slow clients from 127.0.0.2 for {took:.0f} s; at most {most_open} sockets open "
              f"at once; {stats['closed_by_server']} closed or refused by the server; "
              f"{stats['connect_errors']} connects failed", flush=True)
    else:
        answers = ", ".join(f"{k}: {v}" for k, v in sorted(stats.items()) if k not in ("open", "closed_by_server", "connect_errors"))
        source = "random addresses in 127.0.0.0/8" if kind == "codes" else "127.0.0.2"
        print(f"attack: {kind} by {attackers} workers from {source} for {took:.0f} s; answers by status: {answers}",
              flush=True)


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
    asyncio.run(attack(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5] if len(sys.argv) > 5 else ""))
else:
    sys.exit(1 if asyncio.run(measure(sys.argv[2], int(sys.argv[3]), sys.argv[4], float(sys.argv[5]))) else 0)

#!/usr/bin/env python3
"""`lpe mock` under hostile load: figures for mock/README.md "Hardening".

Starts `lpe mock --port 0` on 127.0.0.1, measures a normal request's latency alone, then holds
SLOW slowloris connections (each sends one header byte every second and reconnects when the mock
closes it at its request deadline) and IDLE idle connections (connected, silent, reconnecting when
the mock closes them after its keep-alive timeout) open while it measures again: each normal request
on a fresh connection (connect, POST, whole response), REQ_RATE per second for SECONDS. Prints the
median and p99 latency of both phases, the mock's peak RSS, how many hostile connections were
open, then sends SIGTERM under that load and prints how long the mock took to exit.

usage: bench/mock_hostile_load.py [--lpe PATH] [--slow N] [--idle N] [--seconds S]
                                  [--rate R] [--threads N]
Only 127.0.0.1 is ever targeted; every phase is bounded in time and the mock is killed on exit.
"""
import argparse
import json
import os
import selectors
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

BODY = json.dumps({
    "stageArn": "arn:aws:ivs:us-east-1:123456789012:stage/lpeStageA001",
    "sessionId": "st-lpeSession001",
    "participantId": "p-1-event",
}, separators=(",", ":")).encode()
REQUEST = (b"POST /ListParticipantEvents HTTP/1.1\r\nHost: 127.0.0.1\r\n"
           b"Content-Type: application/json\r\nContent-Length: " + str(len(BODY)).encode() +
           b"\r\n\r\n" + BODY)
SLOW_HEAD = b"POST /ListParticipantEvents HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 4096


def rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def connect(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s.setblocking(False)
    try:
        s.connect(("127.0.0.1", port))
    except BlockingIOError:
        pass
    return s


class Hostiles(threading.Thread):
    """Holds `slow` slowloris and `idle` idle connections open, reconnecting closed ones."""

    def __init__(self, port, slow, idle):
        super().__init__(daemon=True)
        self.port, self.slow, self.idle = port, slow, idle
        self.stop = threading.Event()
        self.sel = selectors.DefaultSelector()
        self.reconnects = 0
        self.open = 0

    def add(self, kind):
        s = connect(self.port)
        self.sel.register(s, selectors.EVENT_READ, [kind, 0])

    def run(self):
        for _ in range(self.slow):
            self.add("slow")
        for _ in range(self.idle):
            self.add("idle")
        next_drip = time.monotonic()
        while not self.stop.is_set():
            for key, _ in self.sel.select(timeout=0.1):
                try:
                    data = key.fileobj.recv(65536)
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError:
                    data = b""
                if not data:  # closed by the mock: reconnect, as an attacker would
                    kind = key.data[0]
                    self.sel.unregister(key.fileobj)
                    key.fileobj.close()
                    self.reconnects += 1
                    if not self.stop.is_set():
                        try:
                            self.add(kind)
                        except OSError:
                            pass
            now = time.monotonic()
            if now >= next_drip:
                next_drip = now + 1.0
                for key in list(self.sel.get_map().values()):
                    if key.data[0] != "slow":
                        continue
                    i = key.data[1] % len(SLOW_HEAD)
                    try:
                        key.fileobj.send(SLOW_HEAD[i:i + 1])
                        key.data[1] += 1
                    except OSError:
                        pass
            self.open = len(self.sel.get_map())
        for key in list(self.sel.get_map().values()):
            key.fileobj.close()


def one_request(port, timeout=10.0):
    start = time.monotonic()
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.sendall(REQUEST)
        data = b""
        while True:
            end = data.find(b"\r\n\r\n")
            if end >= 0:
                head = data[:end].decode("latin-1")
                length = 0
                for line in head.split("\r\n")[1:]:
                    name, _, value = line.partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value)
                if len(data) >= end + 4 + length:
                    if not head.startswith("HTTP/1.1 200"):
                        raise RuntimeError("unexpected answer: " + head.splitlines()[0])
                    break
            chunk = s.recv(65536)
            if not chunk:
                raise RuntimeError("connection closed before the whole response")
            data += chunk
    finally:
        s.close()
    return (time.monotonic() - start) * 1000.0


def measure(port, seconds, rate, pid, failures):
    latencies, peak = [], rss_kb(pid)
    deadline = time.monotonic() + seconds
    interval = 1.0 / rate
    while time.monotonic() < deadline:
        t0 = time.monotonic()
        try:
            latencies.append(one_request(port))
        except (OSError, RuntimeError) as e:
            failures.append(str(e))
            latencies.append(10000.0)
        peak = max(peak, rss_kb(pid))
        time.sleep(max(0.0, interval - (time.monotonic() - t0)))
    return latencies, peak


def summary(latencies):
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"median {statistics.median(ordered):.2f} ms, p99 {p99:.2f} ms, " \
           f"max {ordered[-1]:.2f} ms over {len(ordered)} requests"


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lpe", default=os.path.join(here, "..", os.environ.get(
        "LPE_BUILD_DIR", "build"), "bin", "lpe"))
    parser.add_argument("--slow", type=int, default=100)
    parser.add_argument("--idle", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args()

    cmd = [args.lpe, "mock", "--port", "0"]
    if args.threads > 0:
        cmd += ["--threads", str(args.threads)]
    mock = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        line = mock.stdout.readline().decode().strip()
        if not line.startswith("listening http://127.0.0.1:"):
            sys.exit(f"mock_hostile_load.py: the mock did not start: {line!r}")
        port = int(line.rsplit(":", 1)[1])
        failures = []
        quiet, quiet_peak = measure(port, min(args.seconds, 5.0), args.rate, mock.pid, failures)
        print(f"alone:        {summary(quiet)}; RSS {quiet_peak} kB")

        hostiles = Hostiles(port, args.slow, args.idle)
        hostiles.start()
        time.sleep(2.0)  # let every hostile connection open
        loaded, peak = measure(port, args.seconds, args.rate, mock.pid, failures)
        print(f"under load:   {summary(loaded)}; peak RSS {peak} kB; "
              f"{hostiles.open} hostile connections open "
              f"({args.slow} slowloris, {args.idle} idle), {hostiles.reconnects} reconnects")
        if failures:
            print(f"failed requests: {len(failures)} (first: {failures[0]})")

        start = time.monotonic()
        mock.send_signal(signal.SIGTERM)
        try:
            code = mock.wait(timeout=30)
            print(f"stop under load: exit {code} after {(time.monotonic() - start) * 1000:.0f} ms "
                  f"(SIGTERM with the hostile connections still open)")
        except subprocess.TimeoutExpired:
            print("stop under load: still running 30 s after SIGTERM")
        hostiles.stop.set()
        hostiles.join(timeout=5)
        p99 = sorted(loaded)[min(len(loaded) - 1, int(len(loaded) * 0.99))]
        print(f"p99_under_load_ms={p99:.2f} goal<100 {'met' if p99 < 100 else 'MISSED'}")
    finally:
        if mock.poll() is None:
            mock.kill()
            mock.wait()


if __name__ == "__main__":
    main()

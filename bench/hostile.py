#!/usr/bin/env python3
"""Hostile-client scenarios for bench/readers.sh and bench/halfsent.sh (issue 16's targets).

readers:  N clients request long streamed answers, read the first bytes, then stop reading for PAUSE
          seconds while the node's RSS is sampled; then they read to the end, and each stream must carry
          exactly the answer the backend gives directly (the same content, [DONE], no error event).
halfsent: N connections each send half a request header and nothing more; reports when each one was
          answered 408 or closed, while a normal request is sent every second and must be served.

Only the standard library: an independent client, not clawbus's own code.
"""
import argparse
import json
import os
import selectors
import socket
import sys
import time
import urllib.parse
import urllib.request


def heap_info(pid):
    """The heap in use and committed right now, then in use after a full GC (jcmd), as one line."""
    import re
    import subprocess

    def used_committed():
        out = subprocess.run(["jcmd", str(pid), "GC.heap_info"], capture_output=True, text=True, timeout=60).stdout
        m = re.search(r"total (\d+)K, used (\d+)K", out)
        return (int(m.group(2)) // 1024, int(m.group(1)) // 1024) if m else (None, None)
    try:
        used, committed = used_committed()
        subprocess.run(["jcmd", str(pid), "GC.run"], capture_output=True, timeout=60)
        live, _ = used_committed()
        return f"{used} MB used of {committed} MB committed; {live} MB live after a full GC"
    except (OSError, subprocess.SubprocessError) as e:
        return f"unknown ({e})"


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
    return -1


def sse_content(raw):
    """The concatenated delta content of an SSE body, whether it ended with [DONE], and the first error."""
    text, done, error, chunks = [], False, None, 0
    for event in raw.split(b"\n\n"):
        for line in event.split(b"\n"):
            if not line.startswith(b"data: "):
                continue
            data = line[6:]
            if data == b"[DONE]":
                done = True
                continue
            obj = json.loads(data)
            if "error" in obj:
                error = error or obj["error"]
                continue
            for choice in obj.get("choices", []):
                piece = (choice.get("delta") or {}).get("content")
                if piece:
                    text.append(piece)
                    chunks += 1
    return "".join(text), done, error, chunks


def dechunk(body):
    """Decodes an HTTP/1.1 chunked body."""
    out, i = bytearray(), 0
    while True:
        j = body.index(b"\r\n", i)
        size = int(body[i:j].split(b";")[0], 16)
        if size == 0:
            return bytes(out)
        out += body[j + 2:j + 2 + size]
        i = j + 2 + size + 2


def request_bytes(url, body, key):
    u = urllib.parse.urlparse(url)
    head = (f"POST /v1/chat/completions HTTP/1.1\r\nHost: {u.netloc}\r\ncontent-type: application/json\r\n"
            f"content-length: {len(body)}\r\nconnection: close\r\n")
    if key:
        head += f"authorization: Bearer {key}\r\n"
    return (head + "\r\n").encode() + body


def connect(url):
    u = urllib.parse.urlparse(url)
    s = socket.create_connection((u.hostname, u.port), timeout=30)
    # a small receive buffer, so a client that stops reading stops the server soon (as a stuck client does)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
    return s


def read_all(s, deadline):
    """Reads to the end of the connection (the request asked for connection: close)."""
    buf = bytearray()
    s.settimeout(max(1.0, deadline - time.time()))
    while True:
        part = s.recv(1 << 20)
        if not part:
            return bytes(buf)
        buf += part


def readers(a):
    body = json.dumps({"model": a.model, "messages": [{"role": "user", "content": "a long answer, read slowly"}],
                       "stream": True, "max_tokens": a.words}).encode()
    # the answer as the backend gives it directly: the reference every stream must equal
    direct = urllib.request.Request(a.direct + "/v1/chat/completions", data=body,
                                    headers={"content-type": "application/json"})
    expected, done, _, _ = sse_content(urllib.request.urlopen(direct, timeout=120).read())
    assert done and expected, "the backend's own answer is incomplete"
    print(f"answer: {len(expected.split())} words, {len(expected):,} characters")
    base = rss_mb(a.pid)
    print(f"clawbus RSS before: {base} MB")
    socks, first = [], []
    for _ in range(a.clients):
        s = connect(a.url)
        s.sendall(request_bytes(a.url, body, a.key))
        socks.append(s)
    for s in socks:  # each client reads the first bytes (the status line and the first chunks), then stops
        s.settimeout(60)
        got = s.recv(a.first_bytes)
        assert got.startswith(b"HTTP/1.1 200"), got[:200]
        first.append(got)
    print(f"{a.clients} clients read their first {a.first_bytes:,} bytes and stopped reading for {a.pause} s")
    peak, t0 = base, time.time()
    while time.time() - t0 < a.pause:
        time.sleep(1)
        peak = max(peak, rss_mb(a.pid))
    now = rss_mb(a.pid)
    print(f"clawbus RSS during the pause: peak {peak} MB, at its end {now} MB: +{peak - base} MB over before")
    print(f"clawbus heap at the pause's end: {heap_info(a.pid)}")
    ok, t1 = 0, time.time()
    for i, s in enumerate(socks):
        raw = first[i] + read_all(s, t1 + 600)
        s.close()
        head, _, rest = raw.partition(b"\r\n\r\n")
        payload = dechunk(rest) if b"transfer-encoding: chunked" in head.lower() else rest
        text, done, error, _ = sse_content(payload)
        if done and error is None and text == expected:
            ok += 1
        else:
            print(f"client {i}: done={done} error={error} {len(text):,} of {len(expected):,} characters"
                  f"{' (differs)' if text != expected[:len(text)] else ''}")
    print(f"after reading again: {ok} of {a.clients} streams carry exactly the direct answer "
          f"(read in {time.time() - t1:.1f} s); RSS {rss_mb(a.pid)} MB")
    return 0 if ok == a.clients and peak - base <= a.max_added_mb else 1


def halfsent(a):
    u = urllib.parse.urlparse(a.url)
    half = (f"POST /v1/chat/completions HTTP/1.1\r\nHost: {u.netloc}\r\ncontent-type: appl").encode()
    sel = selectors.DefaultSelector()
    t0 = time.time()
    opened = 0
    for i in range(a.conns):
        try:
            s = socket.create_connection((u.hostname, u.port), timeout=10)
        except OSError as e:
            print(f"connection {i}: {e}")
            continue
        s.sendall(half)
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ, {"i": i, "buf": b""})
        opened += 1
    print(f"{opened} connections sent half a header in {time.time() - t0:.1f} s")
    ended = {}  # i -> (seconds after the first connection, "408" | "closed" | other status)
    served, failed, latencies, next_normal = 0, 0, [], time.time()
    body = json.dumps({"model": a.model, "messages": [{"role": "user", "content": "hello"}],
                       "max_tokens": 8}).encode()
    deadline = t0 + a.timeout + 15
    while time.time() < deadline and len(ended) < opened:
        for key, _ in sel.select(timeout=0.2):
            s, d = key.fileobj, key.data
            try:
                part = s.recv(4096)
            except OSError:
                part = b""
            d["buf"] += part
            if not part or b"\r\n\r\n" in d["buf"]:
                status = d["buf"][9:12].decode() if d["buf"].startswith(b"HTTP/1.1") else "closed"
                ended[d["i"]] = (time.time() - t0, status)
                sel.unregister(s)
                s.close()
        if time.time() >= next_normal:
            next_normal += 1
            headers = {"content-type": "application/json"}
            if a.key:
                headers["authorization"] = f"Bearer {a.key}"
            started = time.time()
            try:
                r = urllib.request.urlopen(urllib.request.Request(a.url + "/v1/chat/completions", data=body,
                                                                  headers=headers), timeout=10)
                r.read()
                served += 1
                latencies.append((time.time() - started) * 1000)
            except Exception as e:  # noqa: BLE001 - any failure of a normal request counts
                failed += 1
                print(f"normal request failed: {e}")
    still_open = opened - len(ended)
    for key in list(sel.get_map().values()):
        key.fileobj.close()
    by_status = {}
    for _, status in ended.values():
        by_status[status] = by_status.get(status, 0) + 1
    times = sorted(t for t, _ in ended.values())
    latencies.sort()
    print(f"ended: {by_status}; still open at {a.timeout + 15} s: {still_open}")
    if times:
        print(f"ended between {times[0]:.1f} s and {times[-1]:.1f} s after the first connection "
              f"(request timeout of the node: {a.timeout} s)")
    if latencies:
        print(f"normal requests meanwhile: {served} served, {failed} failed; "
              f"p50 {latencies[len(latencies) // 2]:.0f} ms, max {latencies[-1]:.0f} ms")
    return 0 if still_open == 0 and failed == 0 and served > 0 and times and times[-1] <= a.timeout + 5 else 1


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="mode", required=True)
    r = sub.add_parser("readers")
    r.add_argument("--url", required=True)
    r.add_argument("--direct", required=True)
    r.add_argument("--pid", required=True, type=int)
    r.add_argument("--clients", type=int, default=40)
    r.add_argument("--words", type=int, default=60000)
    r.add_argument("--pause", type=int, default=30)
    r.add_argument("--first-bytes", type=int, default=4096)
    r.add_argument("--max-added-mb", type=int, default=300)
    h = sub.add_parser("halfsent")
    h.add_argument("--url", required=True)
    h.add_argument("--conns", type=int, default=1000)
    h.add_argument("--timeout", type=int, default=30)
    for x in (r, h):
        x.add_argument("--model", default="clawbus-sim")
        x.add_argument("--key", default=os.environ.get("CLAWBUS_KEY"))
    a = p.parse_args()
    sys.exit(readers(a) if a.mode == "readers" else halfsent(a))


if __name__ == "__main__":
    main()

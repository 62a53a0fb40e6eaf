"""An interop peer for @wskit/node's tests: a python-websockets client of our server.

Usage: client.py URL [--deflate | --deflate=JSON]. Runs the interop scenario against a server that
speaks the interop command set (see test/interop-helpers.ts) and prints one JSON object per check:
`{"check": name, "ok": true|false, "detail": "..."}`. Exits 0 when every check passed.

Without a second argument compression is off. `--deflate` offers permessage-deflate with
python-websockets' defaults, `--deflate=JSON` with ClientPerMessageDeflateFactory's keyword
arguments (e.g. `{"server_max_window_bits": 10}`); then the check `compression negotiated` (the
server's Sec-WebSocket-Extensions in its detail) replaces the 16 MiB message.
"""

import asyncio
import json
import sys

import websockets
from websockets.extensions.permessage_deflate import ClientPerMessageDeflateFactory

SIZES = [0, 1, 125, 126, 127, 65535, 65536, 65537, 1 << 20]
BIG = 16 << 20
failures = 0


def check(name, ok, detail=""):
    global failures
    if not ok:
        failures += 1
    print(json.dumps({"check": name, "ok": bool(ok), "detail": detail}), flush=True)


def pattern_bytes(size, seed=0):
    period = bytes(((index * 31 + seed) & 0xFF) for index in range(256))
    return (period * (size // 256 + 1))[:size]


def pattern_text(size):
    unit = "wskit é€😀 "  # 16 bytes of UTF-8
    return unit * (size // 16) + "x" * (size % 16)


def compression_options(argv):
    """The connect() keyword arguments for the --deflate argument, if any."""
    for arg in argv:
        if arg == "--deflate":
            return dict(compression="deflate")
        if arg.startswith("--deflate="):
            params = json.loads(arg[len("--deflate=") :])
            return dict(compression="deflate", extensions=[ClientPerMessageDeflateFactory(**params)])
    return dict(compression=None)


COMPRESSION = compression_options(sys.argv[2:])


def options():
    return dict(max_size=None, ping_interval=None, subprotocols=["chat"], **COMPRESSION)


async def exchange(url):
    async with websockets.connect(url, **options()) as ws:
        check("subprotocol", ws.subprotocol == "chat", str(ws.subprotocol))
        if COMPRESSION["compression"] is not None:
            agreed = ws.response_headers.get("Sec-WebSocket-Extensions", "")
            check("compression negotiated", agreed.startswith("permessage-deflate"), agreed)
        for size in SIZES:
            text = pattern_text(size)
            await ws.send(text)
            echoed = await ws.recv()
            check(f"text of {size} bytes", echoed == text, f"{len(echoed)} chars")
            data = pattern_bytes(size, size & 0xFF)
            await ws.send(data)
            echoed = await ws.recv()
            check(f"binary of {size} bytes", echoed == data, f"{len(echoed)} bytes")
        if COMPRESSION["compression"] is None:
            data = pattern_bytes(BIG, 11)
            await ws.send(data)
            echoed = await ws.recv()
            check("16 MiB binary", echoed == data, f"{len(echoed)} bytes")
        parts = [pattern_bytes(10, 1), pattern_bytes(70000, 2), pattern_bytes(5, 3)]
        await ws.send(parts)
        echoed = await ws.recv()
        check("binary in three fragments", echoed == b"".join(parts), f"{len(echoed)} bytes")
        await ws.send(["é€", "😀"])
        check("text in two fragments", await ws.recv() == "é€😀")
        pong = await ws.ping(b"client-ping")
        try:
            await asyncio.wait_for(pong, 10)
            check("ping answered", True)
        except asyncio.TimeoutError:
            check("ping answered", False, "no pong within 10 s")
        await ws.send("fragments")
        check("fragments from the server", await ws.recv() == "frag-ment-ed")
        # The server's ping is answered by python-websockets itself; the server checks the pong.
        await ws.send("ping-me")
        await ws.send("sync")
        check("echo after the server's ping", await ws.recv() == "sync")
        await ws.close(4007, "python-client-bye")
        check("own close completed", ws.close_code == 4007, f"{ws.close_code}")


async def server_close(url):
    async with websockets.connect(url, **options()) as ws:
        await ws.send("close:4008:our-server-bye")
        try:
            await ws.recv()
            check("closed by the server", False, "got a message")
        except websockets.ConnectionClosed:
            pass
        check(
            "close code and reason from the server",
            ws.close_code == 4008 and ws.close_reason == "our-server-bye",
            f"{ws.close_code} {ws.close_reason!r}",
        )


async def main(url):
    await exchange(url)
    await server_close(url)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
    sys.exit(1 if failures else 0)

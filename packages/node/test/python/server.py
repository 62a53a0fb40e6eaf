"""An interop peer for @wskit/node's tests: a python-websockets server on 127.0.0.1, port 0.

Usage: server.py [--deflate | --deflate=JSON]. Without an argument compression is off; `--deflate`
accepts permessage-deflate with python-websockets' defaults, `--deflate=JSON` with
ServerPerMessageDeflateFactory's keyword arguments, e.g. `{"server_no_context_takeover": true}`.

Speaks the interop command set (see test/interop-helpers.ts): echoes every message, answers the
text `fragments` with `frag-ment-ed` in three fragments, `ping-me` with a ping carrying
`from-server`, and `close:C:R` with a close frame (code C, reason R). Prints one JSON object per
line: `{"event": "listening", "port": N}` once, `{"event": "open", "extensions": "..."}` (the
Sec-WebSocket-Extensions answered, "" for none) for each connection, then `{"event": "close",
"code": C, "reason": R}` for each connection that closed. Runs until killed.
"""

import asyncio
import json
import sys

import websockets
from websockets.extensions.permessage_deflate import ServerPerMessageDeflateFactory


def emit(**event):
    print(json.dumps(event), flush=True)


def compression_options(argv):
    """The serve() keyword arguments for the --deflate argument, if any."""
    for arg in argv:
        if arg == "--deflate":
            return dict(compression="deflate")
        if arg.startswith("--deflate="):
            params = json.loads(arg[len("--deflate=") :])
            return dict(compression="deflate", extensions=[ServerPerMessageDeflateFactory(**params)])
    return dict(compression=None)


async def handler(ws):
    emit(event="open", extensions=ws.response_headers.get("Sec-WebSocket-Extensions", ""))
    try:
        async for message in ws:
            if isinstance(message, str):
                if message.startswith("close:"):
                    _, code, reason = message.split(":", 2)
                    await ws.close(int(code), reason)
                    break
                if message == "fragments":
                    await ws.send(["frag-", "ment-", "ed"])
                    continue
                if message == "ping-me":
                    await ws.ping(b"from-server")
                    continue
            await ws.send(message)
    except websockets.ConnectionClosed:
        pass
    await ws.wait_closed()
    emit(event="close", code=ws.close_code, reason=ws.close_reason)


async def main():
    async with websockets.serve(
        handler,
        "127.0.0.1",
        0,
        max_size=None,
        ping_interval=None,
        subprotocols=["chat"],
        **compression_options(sys.argv[1:]),
    ) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        emit(event="listening", port=port)
        await asyncio.Future()


if __name__ == "__main__":
    asyncio.run(main())

/**
 * The fan-out server on Bun.serve's own WebSockets and topics (`bun bun-server.ts`): the same
 * protocol as server.ts (`/sub`, `/control`, `go:<messages>:<size>`), with `server.publish`.
 */
declare const Bun: {
  serve(options: unknown): {
    port: number;
    publish(topic: string, data: Uint8Array): number;
    upgrade(request: Request, options: unknown): boolean;
  };
};

interface BunSocket {
  data: { path: string };
  subscribe(topic: string): void;
}

const server = Bun.serve({
  port: 0,
  hostname: '127.0.0.1',
  fetch(request: Request) {
    const path = new URL(request.url).pathname;
    if (server.upgrade(request, { data: { path } })) return undefined;
    return new Response('upgrade expected', { status: 426 });
  },
  websocket: {
    open(ws: BunSocket) {
      if (ws.data.path === '/sub') ws.subscribe('bench');
    },
    async message(_ws: BunSocket, message: string | Uint8Array) {
      const [command, count, size] = String(message).split(':');
      if (command !== 'go') return;
      for (let index = 0; index < Number(count); index++) {
        const bytes = new Uint8Array(Math.max(Number(size), 8));
        new DataView(bytes.buffer).setFloat64(0, performance.timeOrigin + performance.now());
        server.publish('bench', bytes);
        // One message per turn of the event loop, as in server.ts.
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
  },
});
console.log(JSON.stringify({ port: server.port }));

/**
 * `ChatRoom`, a Durable Object that holds one room's WebSockets with the runtime's WebSocket
 * Hibernation API: the runtime keeps the connections open while the object is evicted from memory,
 * and wakes it (a new instance: the constructor runs again) when a message or a close comes. What
 * must survive lives with the sockets: each one's name in its attachment and in a tag, so that a
 * woken room finds its members (`getWebSockets()`) and one member (`getWebSockets('user:<name>')`).
 *
 * The room's protocol is JSON text both ways:
 *
 * - the client sends `{"type":"chat","text":"…"}` (to everyone, the sender too) or
 *   `{"type":"chat","text":"…","to":"<name>"}` (to that member and the sender), and the text
 *   `ping`, which the runtime answers with `pong` by itself (`setWebSocketAutoResponse`), without
 *   waking the object;
 * - the room sends `{"type":"welcome","you","members"}` on arrival, `{"type":"join","name"}`,
 *   `{"type":"leave","name"}`, `{"type":"chat","from","text","time","to"?}` and
 *   `{"type":"error","message"}`.
 */
import {
  type DurableObjectState,
  type RuntimeWebSocket,
  runtime,
  switchingProtocols,
} from './workers-runtime.ts';

/** The room's limits: a member or a message over them is refused. */
export const RoomLimits = Object.freeze({
  /** The largest message a member may send, in UTF-8 bytes; larger ones close it with 1009. */
  maxMessageBytes: 4096,
  /** The longest chat text, in UTF-16 units. */
  maxTextLength: 2000,
  /** The longest member name. */
  maxNameLength: 32,
  /**
   * Members at once; one more is refused with 503. The runtime allows about 32,768 hibernatable
   * sockets per object; a room's broadcast is a loop over every member, so keep rooms smaller.
   */
  maxMembers: 1000,
});

/** The room's variables (`[vars]` in wrangler.toml): its limits, all optional. */
export interface RoomEnv {
  /** Overrides `RoomLimits.maxMembers`. */
  readonly ROOM_MAX_MEMBERS?: string;
  /** Overrides `RoomLimits.maxMessageBytes`. */
  readonly ROOM_MAX_MESSAGE_BYTES?: string;
}

/** What every socket keeps across hibernation. */
interface Attachment {
  readonly name: string;
  readonly joinedAt: number;
}

/** What `GET /rooms/<room>` answers. */
export interface RoomStatus {
  readonly members: string[];
  /** This instance of the object: a new one after every wake-up from hibernation. */
  readonly instance: string;
  /** When this instance was constructed (epoch milliseconds). */
  readonly since: number;
}

const USER_TAG = 'user:';
const OPEN = 1;
const textEncoder = new TextEncoder();

function limit(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) {
    throw new RangeError(`room: a limit must be a positive integer, not ${JSON.stringify(value)}`);
  }
  return number;
}

/** A member name as shown: printable, white space collapsed, at most `maxNameLength` characters. */
export function cleanName(name: string): string {
  return name
    .replace(/\p{Cc}/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, RoomLimits.maxNameLength)
    .trim();
}

/** A Durable Object per room: `env.ROOMS.get(env.ROOMS.idFromName(room)).fetch(request)`. */
export class ChatRoom {
  readonly #state: DurableObjectState;
  readonly #maxMembers: number;
  readonly #maxMessageBytes: number;
  readonly #instance = crypto.randomUUID();
  readonly #since = Date.now();

  constructor(state: DurableObjectState, env: RoomEnv) {
    this.#state = state;
    this.#maxMembers = limit(env.ROOM_MAX_MEMBERS, RoomLimits.maxMembers);
    this.#maxMessageBytes = limit(env.ROOM_MAX_MESSAGE_BYTES, RoomLimits.maxMessageBytes);
    // Keepalives cost nothing: the runtime answers them while the object sleeps.
    state.setWebSocketAutoResponse(new runtime.WebSocketRequestResponsePair('ping', 'pong'));
  }

  /** A WebSocket upgrade joins the room (`?name=`); a plain `GET` answers its {@link RoomStatus}. */
  async fetch(request: Request): Promise<Response> {
    if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket') {
      const status: RoomStatus = { members: this.#names(), instance: this.#instance, since: this.#since };
      return Response.json(status);
    }
    const name = cleanName(new URL(request.url).searchParams.get('name') ?? '');
    if (name === '') return Response.json({ error: 'give a name: ?name=…' }, { status: 400 });
    if (this.#state.getWebSockets(USER_TAG + name).some((socket) => socket.readyState === OPEN)) {
      return Response.json({ error: `the name ${name} is taken in this room` }, { status: 409 });
    }
    if (this.#members().length >= this.#maxMembers) {
      return Response.json({ error: 'the room is full' }, { status: 503 });
    }
    const pair = new runtime.WebSocketPair();
    const client = pair[0];
    const server = pair[1];
    // Handed to the runtime (not `server.accept()`): it may hibernate the room with this socket open.
    this.#state.acceptWebSocket(server, [USER_TAG + name]);
    const attachment: Attachment = { name, joinedAt: Date.now() };
    server.serializeAttachment(attachment);
    this.#sendTo(server, { type: 'welcome', you: name, members: this.#names() });
    this.#broadcast({ type: 'join', name }, server);
    return switchingProtocols(client);
  }

  /** A member's message, on this instance or on one the runtime woke for it. */
  webSocketMessage(socket: RuntimeWebSocket, message: string | ArrayBuffer): void {
    if (typeof message !== 'string') {
      socket.close(1003, 'the room takes JSON text');
      return;
    }
    if (
      message.length > this.#maxMessageBytes ||
      textEncoder.encode(message).length > this.#maxMessageBytes
    ) {
      socket.close(1009, `messages are at most ${this.#maxMessageBytes} bytes`);
      return;
    }
    const from = nameOf(socket);
    if (from === undefined) return;
    let value: unknown;
    try {
      value = JSON.parse(message);
    } catch {
      this.#sendTo(socket, { type: 'error', message: 'messages are JSON' });
      return;
    }
    const chat = value as { type?: unknown; text?: unknown; to?: unknown };
    if (chat?.type !== 'chat' || typeof chat.text !== 'string' || chat.text.trim() === '') {
      this.#sendTo(socket, { type: 'error', message: 'send {"type":"chat","text":"…"}' });
      return;
    }
    const text = chat.text.trim().slice(0, RoomLimits.maxTextLength);
    const time = Date.now();
    if (typeof chat.to !== 'string') {
      this.#broadcast({ type: 'chat', from, text, time });
      return;
    }
    // One member, found by its tag: no list of members is kept in memory.
    const recipients = this.#state
      .getWebSockets(USER_TAG + chat.to)
      .filter((each) => each.readyState === OPEN);
    if (recipients.length === 0) {
      this.#sendTo(socket, { type: 'error', message: `no member named ${chat.to}` });
      return;
    }
    const body = { type: 'chat', from, text, time, to: chat.to };
    for (const recipient of recipients) this.#sendTo(recipient, body);
    if (!recipients.includes(socket)) this.#sendTo(socket, body);
  }

  /** A member left: the others are told, and the close is answered. */
  webSocketClose(socket: RuntimeWebSocket, code: number, reason: string): void {
    this.#leave(socket);
    try {
      socket.close(code === 1005 || code === 1006 ? 1000 : code, reason);
    } catch {
      // already closed
    }
  }

  /** The connection failed: as a close. */
  webSocketError(socket: RuntimeWebSocket): void {
    this.#leave(socket);
  }

  #leave(socket: RuntimeWebSocket): void {
    const name = nameOf(socket);
    // Forget the name: getWebSockets() may still list the closing socket during this call.
    socket.serializeAttachment(null);
    if (name !== undefined) this.#broadcast({ type: 'leave', name }, socket);
  }

  #members(): RuntimeWebSocket[] {
    return this.#state
      .getWebSockets()
      .filter((socket) => socket.readyState === OPEN && nameOf(socket) !== undefined);
  }

  /** The members' names, in the order they joined (`getWebSockets()` has an order of its own). */
  #names(): string[] {
    return this.#members()
      .map((socket) => socket.deserializeAttachment() as Attachment)
      .sort((a, b) => a.joinedAt - b.joinedAt || (a.name < b.name ? -1 : 1))
      .map((attachment) => attachment.name);
  }

  #broadcast(body: object, except?: RuntimeWebSocket): void {
    const text = JSON.stringify(body);
    for (const socket of this.#members()) if (socket !== except) send(socket, text);
  }

  #sendTo(socket: RuntimeWebSocket, body: object): void {
    send(socket, JSON.stringify(body));
  }
}

function nameOf(socket: RuntimeWebSocket): string | undefined {
  const attachment = socket.deserializeAttachment() as Attachment | null;
  return attachment?.name;
}

function send(socket: RuntimeWebSocket, text: string): void {
  try {
    socket.send(text);
  } catch {
    // closed meanwhile: its close handler tells the others
  }
}

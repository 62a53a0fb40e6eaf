import type { WebSocketSession } from '@wskit/node';
import {
  type ChatEntry,
  cleanName,
  type MemberView,
  parseClientMessage,
  type RoomStats,
  randomName,
  type ServerMessage,
} from './protocol.ts';
import { TrafficMeter } from './traffic-meter.ts';

/** The topic every member subscribes to: the room's broadcasts go through it (and through Redis with `--redis`). */
export const ROOM_TOPIC = 'room';
/** Chat messages a newcomer gets on arrival. */
const HISTORY_LENGTH = 50;
/** A member whose unsent backlog passes this is too slow for the room and is closed (1008). */
export const MAX_BACKLOG = 8 * 1024 * 1024;
/** Figures are not sent to a member whose backlog passes this (they come again in a second). */
const STATS_BACKLOG = 256 * 1024;

interface Member {
  readonly id: number;
  name: string;
  readonly socket: WebSocketSession;
  /** The upload announced last, and how much of it was echoed. */
  upload: { fileName: string; size: number; echoed: number } | undefined;
}

/** Publishes to every member of the room, in every process that shares its topics. */
export type RoomPublish = (text: string) => void;

/**
 * Ids unique across the processes of one room (`--redis`): a random base per process, then a
 * counter. The page keys members and chat messages by id.
 */
function idBase(): number {
  return Math.floor(Math.random() * 2 ** 31) * 2 ** 20;
}

/**
 * The live room: every member's chat messages go to every member (the sender too), binary messages
 * go back to their sender (the upload echo), and the figures go to everyone once a second. The
 * broadcasts are publishes on {@link ROOM_TOPIC}: with a Redis broker they reach the members of
 * every demo process (each process keeps its own member list, history and figures).
 */
export class Room {
  readonly traffic = new TrafficMeter();
  readonly #members = new Map<WebSocketSession, Member>();
  readonly #history: ChatEntry[] = [];
  readonly #startedAt = Date.now();
  readonly #publish: RoomPublish;
  #nextMemberId = idBase() + 1;
  #nextChatId = idBase() + 1;
  #timer: NodeJS.Timeout | undefined;

  constructor(publish: RoomPublish) {
    this.#publish = publish;
    this.#timer = setInterval(() => this.#tick(), 1000);
    this.#timer.unref();
  }

  /** How many members are in the room. */
  get size(): number {
    return this.#members.size;
  }

  /** The current figures. */
  stats(): RoomStats {
    const { traffic } = this;
    return {
      type: 'stats',
      connections: this.#members.size,
      messagesPerSecond: traffic.messagesPerSecond,
      messagesIn: traffic.messagesIn,
      messagesOut: traffic.messagesOut,
      bytesIn: traffic.bytesIn,
      bytesOut: traffic.bytesOut,
      uptime: Math.round((Date.now() - this.#startedAt) / 1000),
    };
  }

  /**
   * Takes in an open WebSocket under `name` (a random one when empty) and serves it until it
   * closes. Messages are read one at a time with async iteration: while the member's echo waits
   * for the network (`drained()`), its messages are not read, so a fast uploader is slowed to the
   * pace of its own download instead of filling the server's memory.
   */
  async join(socket: WebSocketSession, name: string): Promise<void> {
    const member: Member = {
      id: this.#nextMemberId++,
      name: cleanName(name) || randomName(),
      socket,
      upload: undefined,
    };
    this.#members.set(socket, member);
    void socket.subscribe(ROOM_TOPIC);
    this.#send(member, {
      type: 'welcome',
      you: view(member),
      members: [...this.#members.values()].map(view),
      history: this.#history,
    });
    this.#sendStats(member);
    this.#broadcast({ type: 'join', member: view(member) }, member);
    try {
      for await (const message of socket) {
        if (typeof message === 'string') this.#onText(member, message);
        else this.#onBinary(member, message);
        if (socket.needsDrain) await socket.drained();
      }
    } catch (error) {
      // A bug of ours, not the member's: say so without details, as RFC 6455's 1011 intends.
      console.error('room: member loop failed:', error);
      socket.close(1011, 'internal error');
    } finally {
      this.#members.delete(socket);
      this.#broadcast({ type: 'leave', member: view(member) });
    }
  }

  /** Stops the figures' timer (the sockets are closed by the server). */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #onText(member: Member, text: string): void {
    this.traffic.received(Buffer.byteLength(text));
    const message = parseClientMessage(text);
    if ('error' in message) {
      this.#send(member, { type: 'error', message: message.error });
      return;
    }
    switch (message.type) {
      case 'chat': {
        const entry: ChatEntry = {
          type: 'chat',
          id: this.#nextChatId++,
          from: view(member),
          text: message.text,
          time: Date.now(),
        };
        this.#history.push(entry);
        if (this.#history.length > HISTORY_LENGTH) this.#history.shift();
        this.#broadcast(entry);
        break;
      }
      case 'rename': {
        const previous = member.name;
        if (message.name === previous) return;
        member.name = message.name;
        this.#broadcast({ type: 'rename', member: view(member), previous });
        break;
      }
      case 'upload':
        member.upload = { fileName: message.fileName, size: message.size, echoed: 0 };
        if (message.size === 0) this.#uploaded(member);
        break;
    }
  }

  #onBinary(member: Member, data: Uint8Array): void {
    this.traffic.received(data.length);
    // The view is ours to keep: it goes back out as it came in, without a copy.
    this.traffic.sent(data.length);
    void member.socket.send(data);
    const { upload } = member;
    if (upload === undefined) return;
    upload.echoed += data.length;
    if (upload.echoed >= upload.size) this.#uploaded(member);
  }

  #uploaded(member: Member): void {
    const { upload } = member;
    if (upload === undefined) return;
    member.upload = undefined;
    this.#broadcast({ type: 'uploaded', from: view(member), fileName: upload.fileName, size: upload.size });
  }

  #tick(): void {
    this.traffic.tick();
    for (const member of this.#members.values()) this.#sendStats(member);
  }

  #sendStats(member: Member): void {
    // The figures are not traffic of their own: they would only count themselves.
    if (member.socket.bufferedAmount > STATS_BACKLOG) return;
    void member.socket.send(JSON.stringify(this.stats()));
  }

  /** Publishes `message` to the room (framed once for every member), but to `except`. */
  #broadcast(message: ServerMessage, except?: Member): void {
    const text = JSON.stringify(message);
    const local = this.#members.size - (except === undefined ? 0 : 1);
    this.traffic.sent(Buffer.byteLength(text) * Math.max(local, 0));
    if (except !== undefined && except.socket.readyState === except.socket.OPEN) {
      except.socket.publish(ROOM_TOPIC, text);
    } else {
      this.#publish(text);
    }
  }

  #send(member: Member, message: ServerMessage): void {
    this.#sendText(member, JSON.stringify(message));
  }

  #sendText(member: Member, text: string): void {
    const { socket } = member;
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > MAX_BACKLOG) {
      socket.close(1008, 'too slow to keep up with the room');
      return;
    }
    this.traffic.sent(Buffer.byteLength(text));
    void socket.send(text);
  }
}

function view(member: Member): MemberView {
  return { id: member.id, name: member.name };
}

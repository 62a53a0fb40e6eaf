/**
 * The room's little protocol: JSON text messages both ways, and binary messages (upload chunks),
 * which the server echoes to their sender. public/app.js speaks the browser's side of it.
 */

/** A member of the room as the others see it. */
export interface MemberView {
  readonly id: number;
  readonly name: string;
}

/** A chat message as kept in the history and broadcast. */
export interface ChatEntry {
  readonly type: 'chat';
  /** Increasing per room. */
  readonly id: number;
  readonly from: MemberView;
  readonly text: string;
  /** Milliseconds since the epoch. */
  readonly time: number;
}

/** The live figures, sent to everyone once a second. */
export interface RoomStats {
  readonly type: 'stats';
  readonly connections: number;
  /** Messages received and sent during the last second (not counting these figures). */
  readonly messagesPerSecond: number;
  readonly messagesIn: number;
  readonly messagesOut: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
  /** Seconds since the server started. */
  readonly uptime: number;
}

/** What the server sends. */
export type ServerMessage =
  | {
      readonly type: 'welcome';
      readonly you: MemberView;
      readonly members: MemberView[];
      readonly history: ChatEntry[];
    }
  | ChatEntry
  | { readonly type: 'join'; readonly member: MemberView }
  | { readonly type: 'leave'; readonly member: MemberView }
  | { readonly type: 'rename'; readonly member: MemberView; readonly previous: string }
  | { readonly type: 'uploaded'; readonly from: MemberView; readonly fileName: string; readonly size: number }
  | { readonly type: 'error'; readonly message: string }
  | RoomStats;

/** What a browser sends as text. */
export type ClientMessage =
  | { readonly type: 'chat'; readonly text: string }
  | { readonly type: 'rename'; readonly name: string }
  | { readonly type: 'upload'; readonly fileName: string; readonly size: number };

/** The longest chat message, in UTF-16 units. */
export const MAX_CHAT_LENGTH = 2000;
/** The longest member name. */
export const MAX_NAME_LENGTH = 24;
/** The largest upload announced (the browser keeps a copy to compare). */
export const MAX_UPLOAD_SIZE = 64 * 1024 * 1024;

/** Reads a text message from a browser, or says what is wrong with it. */
export function parseClientMessage(text: string): ClientMessage | { readonly error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { error: 'messages must be JSON' };
  }
  if (typeof value !== 'object' || value === null) return { error: 'messages must be JSON objects' };
  const message = value as Record<string, unknown>;
  switch (message.type) {
    case 'chat': {
      if (typeof message.text !== 'string') return { error: 'chat needs a text' };
      const chat = message.text.trim();
      if (chat.length === 0) return { error: 'chat text is empty' };
      if (chat.length > MAX_CHAT_LENGTH) return { error: `chat text over ${MAX_CHAT_LENGTH} characters` };
      return { type: 'chat', text: chat };
    }
    case 'rename': {
      const name = typeof message.name === 'string' ? cleanName(message.name) : '';
      if (name === '') return { error: 'rename needs a name' };
      return { type: 'rename', name };
    }
    case 'upload': {
      const { fileName, size } = message;
      if (typeof fileName !== 'string' || typeof size !== 'number') {
        return { error: 'upload needs a fileName and a size' };
      }
      if (!Number.isInteger(size) || size < 0 || size > MAX_UPLOAD_SIZE) {
        return { error: `upload size must be 0 to ${MAX_UPLOAD_SIZE} bytes` };
      }
      return { type: 'upload', fileName: cleanText(fileName, 120) || 'file', size };
    }
    default:
      return { error: `unknown message type ${JSON.stringify(message.type)}` };
  }
}

/** Strips control characters, collapses white space and truncates. */
function cleanText(text: string, maxLength: number): string {
  return text
    .replace(/\p{Cc}/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, maxLength)
    .trim();
}

/** A member name as shown: printable, at most {@link MAX_NAME_LENGTH} characters, maybe empty. */
export function cleanName(name: string): string {
  return cleanText(name, MAX_NAME_LENGTH);
}

const ADJECTIVES = [
  'Brisk',
  'Calm',
  'Clever',
  'Eager',
  'Gentle',
  'Lucky',
  'Nimble',
  'Quiet',
  'Sunny',
  'Swift',
];
const ANIMALS = ['Otter', 'Falcon', 'Lynx', 'Heron', 'Badger', 'Fox', 'Panda', 'Koala', 'Gecko', 'Puffin'];

/** A friendly name for a member who did not pick one: `Swift Otter`. */
export function randomName(): string {
  const pick = (words: readonly string[]) => words[Math.floor(Math.random() * words.length)]!;
  return `${pick(ADJECTIVES)} ${pick(ANIMALS)}`;
}

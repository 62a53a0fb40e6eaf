import {
  CodecError,
  isCodecError,
  isValidUtf8,
  type MessageType,
  textDecoderUtf8Check,
  type Utf8Check,
} from '@wskit/codec';
import { ConnectionError } from './errors.js';
import type { ConnectionEvent, ConnectionFailure } from './events.js';

const fatalDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenientDecoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
const encoder = new TextEncoder();

/** How a connection delivers messages an extension decoded: the options that matter. */
export interface DeliveryOptions {
  readonly maxMessageSize: number;
  readonly pieces: boolean;
  /** Whole text messages are decoded to strings (`decodeText`, default true). */
  readonly decodeText: boolean;
  readonly validateUtf8: boolean;
  readonly utf8Check: Utf8Check | undefined;
}

/**
 * The event for a message an extension decoded: a message (or, with `pieces` delivery, one final
 * piece), or an error event when the result is too big (1009) or not valid UTF-8 text (1007).
 */
export function messageEvent(type: MessageType, data: unknown, options: DeliveryOptions): ConnectionEvent {
  if (!(data instanceof Uint8Array)) {
    return {
      type: 'error',
      error: new ConnectionError(
        'WS_ERR_EXTENSION',
        'An extension decoded a message to something other than bytes',
      ),
    };
  }
  if (data.length > options.maxMessageSize) {
    const error = new CodecError(
      'WS_ERR_MESSAGE_TOO_LARGE',
      `Message of ${data.length} bytes after decoding exceeds maxMessageSize ${options.maxMessageSize}`,
    );
    return { type: 'error', error };
  }
  if (options.pieces) {
    if (type === 'text' && options.validateUtf8 && !(options.utf8Check ?? isValidUtf8)(data)) {
      return invalidUtf8();
    }
    return { type: 'messagePiece', messageType: type, data, final: true };
  }
  if (type === 'binary') return { type: 'message', messageType: 'binary', data };
  if (!options.decodeText) {
    if (options.validateUtf8 && !(options.utf8Check ?? textDecoderUtf8Check)(data)) return invalidUtf8();
    return { type: 'encodedText', data };
  }
  try {
    return {
      type: 'message',
      messageType: 'text',
      data: (options.validateUtf8 ? fatalDecoder : lenientDecoder).decode(data),
    };
  } catch {
    return invalidUtf8();
  }
}

function invalidUtf8(): ConnectionEvent {
  return { type: 'error', error: new CodecError('WS_ERR_INVALID_UTF8', 'Text message is not valid UTF-8') };
}

/**
 * The close reason to send for a failure: a decoding error's message (it describes the peer's bytes,
 * nothing of ours), "keepalive ping timeout", or a bare "Internal error" for anything unexpected, so
 * that no internal detail reaches the peer. At most 123 bytes (RFC 6455 §5.5.1).
 */
export function closeReason(error: ConnectionFailure): string {
  if (isCodecError(error)) return truncateUtf8(error.message, 123);
  if (error.code === 'WS_ERR_PONG_TIMEOUT') return 'keepalive ping timeout';
  return 'Internal error';
}

/** `text` cut to at most `maxBytes` bytes of UTF-8, between code points. */
function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = encoder.encode(text);
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return lenientDecoder.decode(bytes.subarray(0, end));
}

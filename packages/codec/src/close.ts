import { CloseCode, isValidWireCloseCode, MAX_CLOSE_REASON_BYTES } from './constants.js';
import { CodecError } from './errors.js';
import { fatalUtf8Decoder, utf8Encoder } from './text.js';

/** The status code and reason carried by a close frame (RFC 6455 §5.5.1). */
export interface ClosePayload {
  /** The status code, or `undefined` when the frame had no payload (report 1005 to applications). */
  code: number | undefined;
  /** The reason, decoded from UTF-8; empty when there was none. */
  reason: string;
}

/**
 * Decodes a close frame's payload. A one-byte payload, a code that may not appear on the wire, or a
 * reason that is not valid UTF-8 is the peer's error and comes back as a {@link CodecError}.
 */
export function decodeClosePayload(payload: Uint8Array): ClosePayload | CodecError {
  if (payload.length === 0) return { code: undefined, reason: '' };
  if (payload.length === 1) {
    return new CodecError(
      'WS_ERR_INVALID_CLOSE_PAYLOAD',
      'Close frame payload of 1 byte: a status code takes 2',
    );
  }
  if (payload.length > 125) {
    return new CodecError('WS_ERR_CONTROL_FRAME_TOO_LONG', `Close frame payload of ${payload.length} bytes`);
  }
  const code = (payload[0]! << 8) | payload[1]!;
  if (!isValidWireCloseCode(code)) {
    return new CodecError('WS_ERR_INVALID_CLOSE_CODE', `Invalid close code on the wire: ${code}`);
  }
  if (payload.length === 2) return { code, reason: '' };
  try {
    return { code, reason: fatalUtf8Decoder.decode(payload.subarray(2)) };
  } catch {
    return new CodecError('WS_ERR_INVALID_UTF8', 'Close reason is not valid UTF-8');
  }
}

/** The reason bytes of a close without a reason (never written to: callers copy from it). */
const NO_REASON = /* @__PURE__ */ new Uint8Array(0);

/**
 * Checks a close code and reason that the local application wants to send, and returns the reason's
 * UTF-8 bytes. Throws `RangeError` for a code that may not be sent or a reason over 123 bytes, and
 * `TypeError` for a reason without a code: these are the caller's mistakes, not the peer's.
 */
export function validateLocalClose(code: number | undefined, reason = ''): Uint8Array {
  if (code === undefined) {
    if (reason !== '') throw new TypeError('A close reason needs a close code');
    return NO_REASON;
  }
  if (!Number.isInteger(code) || !isValidWireCloseCode(code)) {
    throw new RangeError(
      `Close code ${code} may not be sent: use 1000, 1001–1003, 1007–1014 or 3000–4999 (RFC 6455 §7.4)`,
    );
  }
  // Most closes give no reason: no encoder call (it made an array every time).
  if (reason === '') return NO_REASON;
  const reasonBytes = utf8Encoder.encode(reason);
  if (reasonBytes.length > MAX_CLOSE_REASON_BYTES) {
    throw new RangeError(`Close reason is ${reasonBytes.length} bytes of UTF-8; the limit is 123`);
  }
  return reasonBytes;
}

/**
 * Encodes a close frame's payload: the code in network byte order, then the reason in UTF-8. With no
 * code the payload is empty (the peer reports 1005). Throws as {@link validateLocalClose} does.
 */
export function encodeClosePayload(code?: number, reason = ''): Uint8Array {
  const reasonBytes = validateLocalClose(code, reason);
  if (code === undefined) return reasonBytes;
  const payload = new Uint8Array(2 + reasonBytes.length);
  payload[0] = code >>> 8;
  payload[1] = code & 0xff;
  payload.set(reasonBytes, 2);
  return payload;
}

/** The close code to report to an application for a received close payload: 1005 when none was sent. */
export function reportedCloseCode(close: ClosePayload): number {
  return close.code ?? CloseCode.NoStatusReceived;
}

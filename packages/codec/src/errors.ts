/**
 * Every way decoding can fail, as a stable string code with the close code a peer should be sent:
 * 1002 (`CloseCode.ProtocolError`), 1007 (`CloseCode.InvalidPayload`) or 1009
 * (`CloseCode.MessageTooBig`). The table lists every code; the package README lists it too.
 * The close codes are number literals (the table's test checks them) so that a bundle with the
 * decoder does not carry the whole `CloseCode` table; `CodecError` takes its close code from a
 * `switch` that a test checks against this table, so that such a bundle does not carry this one
 * either.
 */
export const CodecErrorCodes = {
  /** A frame used a reserved opcode (RFC 6455 §5.2). */
  WS_ERR_INVALID_OPCODE: 1002,
  /** RSV1 was set and no extension claimed it (RFC 6455 §5.2). */
  WS_ERR_UNEXPECTED_RSV_1: 1002,
  /** RSV2 was set and no extension claimed it (RFC 6455 §5.2). */
  WS_ERR_UNEXPECTED_RSV_2: 1002,
  /** RSV3 was set and no extension claimed it (RFC 6455 §5.2). */
  WS_ERR_UNEXPECTED_RSV_3: 1002,
  /** A server received an unmasked frame (RFC 6455 §5.1). */
  WS_ERR_EXPECTED_MASK: 1002,
  /** A client received a masked frame (RFC 6455 §5.1). */
  WS_ERR_UNEXPECTED_MASK: 1002,
  /** A control frame had FIN clear (RFC 6455 §5.5). */
  WS_ERR_FRAGMENTED_CONTROL_FRAME: 1002,
  /** A control frame's payload was longer than 125 bytes (RFC 6455 §5.5). */
  WS_ERR_CONTROL_FRAME_TOO_LONG: 1002,
  /** A 64-bit payload length had its most significant bit set (RFC 6455 §5.2). */
  WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH: 1002,
  /** A frame's declared payload length exceeded `maxFrameSize`. */
  WS_ERR_FRAME_TOO_LARGE: 1009,
  /** A message's total payload exceeded `maxMessageSize`. */
  WS_ERR_MESSAGE_TOO_LARGE: 1009,
  /** A message was split into more than `maxFragments` frames. */
  WS_ERR_TOO_MANY_FRAGMENTS: 1009,
  /** A continuation frame arrived with no message in progress (RFC 6455 §5.4). */
  WS_ERR_UNEXPECTED_CONTINUATION: 1002,
  /** A text or binary frame arrived while a fragmented message was in progress (RFC 6455 §5.4). */
  WS_ERR_EXPECTED_CONTINUATION: 1002,
  /** A text message or close reason was not valid UTF-8 (RFC 6455 §8.1). */
  WS_ERR_INVALID_UTF8: 1007,
  /** A close frame's payload was exactly one byte long (RFC 6455 §5.5.1). */
  WS_ERR_INVALID_CLOSE_PAYLOAD: 1002,
  /** A close frame carried a code that may not appear on the wire (RFC 6455 §7.4). */
  WS_ERR_INVALID_CLOSE_CODE: 1002,
  /** An extension could not decode a message, e.g. corrupt permessage-deflate data (RFC 7692 §8). */
  WS_ERR_INVALID_COMPRESSED_DATA: 1007,
} as const;

/** The stable string code of a {@link CodecError}. */
export type CodecErrorCode = keyof typeof CodecErrorCodes;

/**
 * A decoding failure caused by the peer's bytes. It is a value the decoder reports, never an
 * exception thrown out of `write()`: the layer above sends a close frame with {@link closeCode}.
 */
export class CodecError extends Error {
  /**
   * Always `'CodecError'`: {@link isCodecError} checks it (with `code`), also across
   * duplicated copies of the package.
   */
  override readonly name = 'CodecError';
  /** The stable string code, e.g. `WS_ERR_INVALID_OPCODE`. */
  readonly code: CodecErrorCode;
  /** The close code to send the peer: 1002, 1007 or 1009. */
  readonly closeCode: number;

  constructor(code: CodecErrorCode, message: string) {
    super(message);
    this.code = code;
    this.closeCode = closeCodeOf(code);
  }
}

/** Whether `value` is a {@link CodecError}, also across duplicated copies of this package. */
export function isCodecError(value: unknown): value is CodecError {
  return (
    value instanceof CodecError ||
    (value instanceof Error &&
      value.name === 'CodecError' &&
      typeof (value as { code?: unknown }).code === 'string' &&
      typeof (value as { closeCode?: unknown }).closeCode === 'number')
  );
}

/** The close code of `code`, as {@link CodecErrorCodes} lists it (1002 unless listed here). */
function closeCodeOf(code: CodecErrorCode): number {
  switch (code) {
    case 'WS_ERR_FRAME_TOO_LARGE':
    case 'WS_ERR_MESSAGE_TOO_LARGE':
    case 'WS_ERR_TOO_MANY_FRAGMENTS':
      return 1009;
    case 'WS_ERR_INVALID_UTF8':
    case 'WS_ERR_INVALID_COMPRESSED_DATA':
      return 1007;
    default:
      return 1002;
  }
}

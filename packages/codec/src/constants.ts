// The primitive constants come first: a bundler inlines them only while no other kind of
// declaration precedes them in the module (esbuild), which saves a variable per constant.

/** The largest payload of a control frame: 125 bytes (RFC 6455 §5.5). */
export const MAX_CONTROL_PAYLOAD = 125;

/** The longest close reason in bytes: 125 less the 2-byte status code (RFC 6455 §5.5.1). */
export const MAX_CLOSE_REASON_BYTES = 123;

/** The longest frame header: 2 bytes, an 8-byte extended length and a 4-byte mask (RFC 6455 §5.2). */
export const MAX_HEADER_SIZE = 14;

/** The largest payload length a 7-bit length field carries (RFC 6455 §5.2). */
export const MAX_7BIT_LENGTH = 125;

/** The largest payload length a 16-bit extended length field carries (RFC 6455 §5.2). */
export const MAX_16BIT_LENGTH = 0xffff;

/** The opcodes as primitive constants, which bundlers inline (the codec's own code uses these). @internal */
export const OPCODE_CONTINUATION = 0x0;
/** @internal */
export const OPCODE_TEXT = 0x1;
/** @internal */
export const OPCODE_BINARY = 0x2;
/** @internal */
export const OPCODE_CLOSE = 0x8;
/** @internal */
export const OPCODE_PING = 0x9;
/** @internal */
export const OPCODE_PONG = 0xa;

/** The default limits as primitive constants (see {@link DefaultLimits}). @internal */
export const DEFAULT_MAX_FRAME_SIZE = 0x100_0000;
/** @internal */
export const DEFAULT_MAX_MESSAGE_SIZE = 0x100_0000;
/** @internal */
export const DEFAULT_MAX_FRAGMENTS = 4096;

/**
 * Frame opcodes.
 *
 * @see RFC 6455 §5.2 (base framing protocol) and §11.8 (the opcode registry).
 */
export const Opcode = {
  /** A continuation frame of a fragmented message (RFC 6455 §5.4). */
  Continuation: OPCODE_CONTINUATION,
  /** The first frame of a text message: its payload is UTF-8 (RFC 6455 §5.6). */
  Text: OPCODE_TEXT,
  /** The first frame of a binary message (RFC 6455 §5.6). */
  Binary: OPCODE_BINARY,
  /** A close frame (RFC 6455 §5.5.1). */
  Close: OPCODE_CLOSE,
  /** A ping frame (RFC 6455 §5.5.2). */
  Ping: OPCODE_PING,
  /** A pong frame (RFC 6455 §5.5.3). */
  Pong: OPCODE_PONG,
} as const;

/** One of the opcodes that RFC 6455 defines. */
export type Opcode = (typeof Opcode)[keyof typeof Opcode];

/** The opcode of a data frame that starts a message. */
export type DataOpcode = typeof Opcode.Text | typeof Opcode.Binary;

/** The opcode of a control frame. */
export type ControlOpcode = typeof Opcode.Close | typeof Opcode.Ping | typeof Opcode.Pong;

/** Whether `opcode` is a control opcode: the high bit of the 4-bit opcode is set (RFC 6455 §5.5). */
export function isControlOpcode(opcode: number): boolean {
  return (opcode & 0x8) !== 0;
}

/** Whether `opcode` is one of the six opcodes that RFC 6455 defines (§5.2: the others are reserved). */
export function isKnownOpcode(opcode: number): opcode is Opcode {
  return opcode <= 0x2 || (opcode >= 0x8 && opcode <= 0xa);
}

/**
 * Close status codes.
 *
 * @see RFC 6455 §7.4.1 (defined codes) and §11.7 (the IANA registry, which adds 1012–1014).
 */
export const CloseCode = {
  /** Normal closure: the purpose of the connection was fulfilled. */
  Normal: 1000,
  /** The endpoint is going away: a server shutting down or a browser leaving the page. */
  GoingAway: 1001,
  /** The peer broke the protocol. */
  ProtocolError: 1002,
  /** The endpoint received a type of data it cannot accept. */
  UnsupportedData: 1003,
  /** Reserved: never sent on the wire. */
  Reserved: 1004,
  /** Reserved for APIs: no status code was present. Never sent on the wire. */
  NoStatusReceived: 1005,
  /** Reserved for APIs: the connection closed without a close frame. Never sent on the wire. */
  AbnormalClosure: 1006,
  /** A message's data was not consistent with its type (invalid UTF-8 in a text message). */
  InvalidPayload: 1007,
  /** A message violated the endpoint's policy. */
  PolicyViolation: 1008,
  /** A message was too big to process. */
  MessageTooBig: 1009,
  /** The client expected the server to negotiate an extension that it did not. */
  MandatoryExtension: 1010,
  /** The server met an unexpected condition. */
  InternalError: 1011,
  /** The service is restarting (IANA registry). */
  ServiceRestart: 1012,
  /** Try again later (IANA registry). */
  TryAgainLater: 1013,
  /** A gateway or proxy received an invalid response from the upstream server (IANA registry). */
  BadGateway: 1014,
  /** Reserved for APIs: the TLS handshake failed. Never sent on the wire. */
  TlsHandshake: 1015,
} as const;

/** A close code that RFC 6455 or the IANA registry names. */
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/**
 * Whether `code` may appear in a close frame on the wire: 1000–1003, 1007–1014 (RFC 6455 §7.4.1 and
 * the IANA registry) or 3000–4999 (registered and private use, §7.4.2). 1004–1006 and 1015 are
 * reserved for APIs; everything else is unassigned or invalid.
 */
export function isValidWireCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

/**
 * Default limits of the decoder. Each is an option of {@link MessageDecoder} and of the layers above.
 * They protect a server from a peer that declares huge frames or sends endless fragments.
 */
export const DefaultLimits = {
  /** Largest payload of a single frame: 16 MiB. */
  maxFrameSize: DEFAULT_MAX_FRAME_SIZE,
  /** Largest message after reassembly (and after decompression where an extension applies): 16 MiB. */
  maxMessageSize: DEFAULT_MAX_MESSAGE_SIZE,
  /** Most frames one message may be split into: 4096. */
  maxFragments: DEFAULT_MAX_FRAGMENTS,
} as const;

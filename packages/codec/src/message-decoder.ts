import { checkAllocate } from './allocate.js';
import { ByteParts } from './byte-parts.js';
import { type ClosePayload, decodeClosePayload } from './close.js';
import {
  DEFAULT_MAX_FRAGMENTS,
  DEFAULT_MAX_MESSAGE_SIZE,
  OPCODE_CONTINUATION,
  OPCODE_PING,
  OPCODE_PONG,
  OPCODE_TEXT,
} from './constants.js';
import { CodecError } from './errors.js';
import {
  checkChoice,
  checkLimit,
  FrameDecoder,
  type FrameDecoderOptions,
  type FrameHandler,
} from './frame-decoder.js';
import type { FrameHeader } from './frame-header.js';
import { NO_MESSAGE } from './internal-constants.js';
import { applyMask, rotatedKey } from './mask.js';
import { fatalUtf8Decoder, lenientUtf8Decoder } from './text.js';
import { textDecoderUtf8Check, type Utf8Check, Utf8Validator } from './utf8.js';

/** The type of a data message. */
export type MessageType = 'text' | 'binary';

/** Options of {@link MessageDecoder}: the frame decoder's, plus message limits and delivery. */
export interface MessageDecoderOptions extends Omit<FrameDecoderOptions, 'unmask'> {
  /** Largest message, summed over its frames (default 16 MiB); checked against declared lengths. */
  maxMessageSize?: number;
  /** Most frames per message (default 4096). */
  maxFragments?: number;
  /**
   * `whole` (default) delivers each message once complete: text as a string, binary as bytes.
   * `pieces` delivers payload as it arrives, each piece saying whether it ends the message, so a
   * caller with a fixed-size buffer never holds a whole message.
   */
  delivery?: 'whole' | 'pieces';
  /** Validate text messages as UTF-8 (default true; RFC 6455 §8.1 requires it). */
  validateUtf8?: boolean;
  /**
   * `whole` delivery: decode text messages to strings (default true, `onText`). `false` hands each
   * text message over as its UTF-8 bytes instead (`onEncodedText`), still validated piece by piece
   * as it arrives: for a relay or an echo that sends text on as it came, decoding and re-encoding
   * it would be wasted work.
   */
  decodeText?: boolean;
  /**
   * A fast validator for complete runs of text, e.g. Node's `buffer.isUtf8`. Whole text messages are
   * validated with it piece by piece as they arrive, then decoded once (by the lenient decoder)
   * when they end. Without it, the pieces of a message in several pieces are validated with a fatal
   * `TextDecoder` and the message is decoded by one at the end; a message in one piece is validated
   * by that decode alone; `pieces` delivery validates with portable code.
   */
  utf8Check?: Utf8Check;
  /**
   * Allocates the array a message is joined into when its payload arrived in several pieces (and
   * the blocks small pieces of a trickled message are packed into). Default:
   * `length => new Uint8Array(length)`. Every byte is written before the array is handed out, so it
   * need not be zeroed: on Node, pass `Buffer.allocUnsafe` to skip the zero-filling, which costs as
   * much as the copy itself on large messages.
   */
  allocate?: (length: number) => Uint8Array;
}

/**
 * What a {@link MessageDecoder} reports, in stream order. Control frames that arrive inside a
 * fragmented message are reported between its pieces, in the order they arrived.
 *
 * Byte arrays passed to the handler are views into the written chunks (or one joined copy): they
 * stay valid, and belong to the handler.
 */
export interface MessageHandler {
  /** A complete text message (`whole` delivery). */
  onText(text: string): void;
  /** A complete binary message (`whole` delivery). */
  onBinary(data: Uint8Array): void;
  /**
   * A complete text message as its UTF-8 bytes (`whole` delivery with `decodeText: false`; then
   * required), validated unless `validateUtf8` is false.
   */
  onEncodedText?(utf8: Uint8Array): void;
  /** A piece of a message (`pieces` delivery); `final` is true on the piece that ends it. */
  onPiece(type: MessageType, data: Uint8Array, final: boolean): void;
  /**
   * A complete message whose first frame carried negotiated RSV bits (e.g. permessage-deflate's
   * RSV1), still encoded: the extension decodes it and checks UTF-8 itself. Either delivery mode.
   */
  onExtensionMessage(type: MessageType, data: Uint8Array, rsv: number): void;
  /** A ping and its payload (at most 125 bytes). */
  onPing(data: Uint8Array): void;
  /** A pong and its payload. */
  onPong(data: Uint8Array): void;
  /** A close frame; after it the decoder ignores further input. */
  onClose(close: ClosePayload): void;
}

/**
 * Decodes a stream of frames into messages and control frames, enforcing RFC 6455's rules on
 * fragmentation (§5.4), UTF-8 (§8.1) and close payloads (§5.5.1), plus the size limits.
 *
 * `write()` never throws for anything the peer sent: it returns a {@link CodecError} that names the
 * close code to answer with, and the decoder stays failed.
 */
export class MessageDecoder {
  readonly #frames: FrameDecoder;
  readonly #messages: MessageFrames;

  constructor(handler: MessageHandler, options: MessageDecoderOptions) {
    this.#messages = new MessageFrames(handler, options);
    // Payload pieces come still masked: a message joined from several pieces is unmasked as it is
    // copied (one pass), every other piece in place before it is used.
    // The frame decoder reads its own options (role, maxFrameSize, allowedRsv, enforceMasking).
    this.#frames = new FrameDecoder(this.#messages, { ...options, unmask: 'handler' });
  }

  /** The error that failed the stream, if any. */
  get error(): CodecError | undefined {
    return this.#frames.error;
  }

  /** Whether a close frame was received (later input is ignored). */
  get closed(): boolean {
    return this.#messages.closed;
  }

  /** Whether a fragmented message is in progress. */
  get inMessage(): boolean {
    return this.#messages.inMessage;
  }

  /**
   * Decodes `chunk`, reporting messages and control frames to the handler. Takes ownership of the
   * chunk (payloads may be unmasked in place and handed out as views). Returns the error that failed
   * the stream, or `undefined`.
   */
  write(chunk: Uint8Array): CodecError | undefined {
    // After a close frame the frame decoder ignores all input, even the rest of the same chunk.
    return this.#frames.write(chunk);
  }

  /** Fails the stream from outside; later writes are ignored and return `error`. */
  fail(error: CodecError): CodecError {
    this.#messages.drop();
    return this.#frames.fail(error);
  }
}

/**
 * The frame decoder's handler behind a {@link MessageDecoder}: it assembles messages from frames and
 * keeps all of the decoder's message state. Not exported, so its frame callbacks are not part of
 * the decoder's API.
 */
class MessageFrames implements FrameHandler {
  readonly #handler: MessageHandler;
  readonly #maxMessageSize: number;
  readonly #maxFragments: number;
  readonly #pieces: boolean;
  readonly #validateUtf8: boolean;
  /** Whole text messages are handed over as bytes (`decodeText: false`). */
  readonly #textBytes: boolean;
  /** A fast `utf8Check` was given. */
  readonly #fastCheck: boolean;
  /** The text message that ends came in one piece, left to be validated by its (fatal) decode. */
  #unchecked = false;
  /** Opcode of the message in progress (Text or Binary), or NO_MESSAGE. */
  #messageOpcode = NO_MESSAGE;
  #messageRsv = 0;
  #messageSize = 0;
  #fragments = 0;
  /** Whether a close frame was received. */
  closed = false;
  /** Offset in the current frame's payload of the next piece: its masking key position. */
  #payloadOffset = 0;
  readonly #allocate: (length: number) => Uint8Array;
  /** The fast check the validator uses, if any. */
  readonly #utf8Check: Utf8Check | undefined;
  /**
   * The pieces of the data message in progress, of the control frame in progress, and the UTF-8
   * validator: each made when first needed (a connection that received nothing owns none).
   */
  #parts: ByteParts | undefined;
  #control: ByteParts | undefined;
  #validator: Utf8Validator | undefined;

  constructor(handler: MessageHandler, options: MessageDecoderOptions) {
    this.#handler = handler;
    this.#maxMessageSize = checkLimit('maxMessageSize', options.maxMessageSize, DEFAULT_MAX_MESSAGE_SIZE);
    this.#maxFragments = checkLimit('maxFragments', options.maxFragments, DEFAULT_MAX_FRAGMENTS);
    this.#pieces = options.delivery === 'pieces';
    checkChoice('delivery', options.delivery, 'whole', 'pieces', true);
    this.#validateUtf8 = options.validateUtf8 ?? true;
    this.#textBytes = options.decodeText === false && !this.#pieces;
    if (this.#textBytes && !handler.onEncodedText) throw new TypeError('no onEncodedText');
    this.#fastCheck = options.utf8Check !== undefined;
    // Whole text is validated natively: with the given check, else with the fatal TextDecoder.
    this.#utf8Check = options.utf8Check ?? (this.#pieces ? undefined : textDecoderUtf8Check);
    this.#allocate = checkAllocate(options.allocate);
  }

  /** Whether a fragmented message is in progress. */
  get inMessage(): boolean {
    return this.#messageOpcode !== NO_MESSAGE;
  }

  /** Drops the message in progress (the stream failed). */
  drop(): void {
    this.#parts?.clear();
    this.#validator?.reset();
  }

  onFrameStart(header: FrameHeader): CodecError | undefined {
    this.#payloadOffset = 0;
    const opcode = header.opcode;
    if (opcode >= 0x8) {
      this.#control?.clear();
      return undefined;
    }
    if (opcode === OPCODE_CONTINUATION) {
      if (this.#messageOpcode === NO_MESSAGE) {
        return new CodecError(
          'WS_ERR_UNEXPECTED_CONTINUATION',
          'Continuation frame with no message in progress',
        );
      }
      if (++this.#fragments > this.#maxFragments) {
        return new CodecError(
          'WS_ERR_TOO_MANY_FRAGMENTS',
          `Message split into more than ${this.#maxFragments} frames`,
        );
      }
    } else {
      if (this.#messageOpcode !== NO_MESSAGE) {
        return new CodecError('WS_ERR_EXPECTED_CONTINUATION', 'New data frame inside a fragmented message');
      }
      this.#messageOpcode = opcode;
      this.#messageRsv = header.rsv;
      this.#messageSize = 0;
      this.#fragments = 1;
    }
    this.#messageSize += header.payloadLength;
    if (this.#messageSize > this.#maxMessageSize) {
      return new CodecError(
        'WS_ERR_MESSAGE_TOO_LARGE',
        `Message of at least ${this.#messageSize} bytes exceeds maxMessageSize ${this.#maxMessageSize}`,
      );
    }
    return undefined;
  }

  onFramePayload(data: Uint8Array, last: boolean, header: FrameHeader): CodecError | undefined {
    // `data` is still masked (the frame decoder leaves that to us); 0 is the key of unmasked frames.
    const offset = this.#payloadOffset;
    this.#payloadOffset = offset + data.length;
    const maskKey = header.maskKey;
    if (header.opcode >= 0x8) {
      this.#controlParts().push(data, maskKey === 0 ? 0 : rotatedKey(maskKey, offset));
      return undefined;
    }
    const text = this.#messageOpcode === OPCODE_TEXT;
    if (this.#messageRsv !== 0 || (!text && !this.#pieces)) {
      // Joined when the message ends, and unmasked as it is: in place if it is one piece.
      this.#messageParts().push(data, maskKey === 0 ? 0 : rotatedKey(maskKey, offset));
      return undefined;
    }
    if (maskKey !== 0) applyMask(data, maskKey, offset & 3);
    if (this.#pieces) {
      const final = last && header.fin;
      if (text && this.#validateUtf8) {
        const validator = this.#utf8();
        if (!validator.write(data) || (final && !validator.end())) return invalidUtf8();
      }
      this.#handler.onPiece(text ? 'text' : 'binary', data, final);
      return undefined;
    }
    // Whole text is kept as bytes: validated as each piece arrives (a bad byte fails at once, RFC
    // 6455 §8.1), joined, and decoded unless `decodeText: false`, when the message ends. Without a
    // fast check, a message in one piece is validated by its fatal decode alone (one native pass).
    const parts = this.#messageParts();
    this.#unchecked = !this.#fastCheck && !this.#textBytes && last && header.fin && parts.length === 0;
    if (this.#validateUtf8 && !this.#unchecked && !this.#utf8().write(data)) return invalidUtf8();
    parts.push(data);
    return undefined;
  }

  onFrameEnd(header: FrameHeader): CodecError | undefined {
    const opcode = header.opcode;
    if (opcode >= 0x8) return this.#onControlEnd(opcode);
    if (!header.fin) return undefined;
    const messageOpcode = this.#messageOpcode;
    const type: MessageType = messageOpcode === OPCODE_TEXT ? 'text' : 'binary';
    this.#messageOpcode = NO_MESSAGE;
    if (this.#messageRsv !== 0) {
      this.#handler.onExtensionMessage(type, this.#takeParts(), this.#messageRsv);
      return undefined;
    }
    if (this.#pieces) {
      // A final frame with an empty payload had no payload piece to carry the end of the message.
      if (header.payloadLength === 0) {
        if (type === 'text' && this.#validateUtf8 && !this.#utf8End()) return invalidUtf8();
        this.#handler.onPiece(type, EMPTY, true);
      }
      return undefined;
    }
    if (type === 'binary') {
      this.#handler.onBinary(this.#takeParts());
      return undefined;
    }
    // A sequence cut short by the end of the message is refused only now.
    if (this.#validateUtf8 && !this.#utf8End()) return invalidUtf8();
    const utf8 = this.#takeParts();
    if (this.#textBytes) {
      this.#handler.onEncodedText!(utf8);
      return undefined;
    }
    let text: string;
    try {
      // Validated already (unless it came in one piece): the lenient decoder is the faster one.
      text = (this.#validateUtf8 && this.#unchecked ? fatalUtf8Decoder : lenientUtf8Decoder).decode(utf8);
    } catch {
      return invalidUtf8();
    }
    this.#handler.onText(text);
    return undefined;
  }

  /** The data message's pieces, made with the first piece kept. */
  #messageParts(): ByteParts {
    this.#parts ??= new ByteParts(this.#allocate);
    return this.#parts;
  }

  /** The control frame's pieces, made with the first control payload. */
  #controlParts(): ByteParts {
    this.#control ??= new ByteParts(this.#allocate);
    return this.#control;
  }

  /** Joins the data message's pieces (none: an empty array). */
  #takeParts(): Uint8Array {
    return this.#parts?.take() ?? new Uint8Array(0);
  }

  /** The UTF-8 validator, made with the first text that needs it. */
  #utf8(): Utf8Validator {
    this.#validator ??= new Utf8Validator(this.#utf8Check);
    return this.#validator;
  }

  /** Ends the text message for the validator: whether it was valid (no validator yet: nothing was fed). */
  #utf8End(): boolean {
    return this.#validator?.end() ?? true;
  }

  #onControlEnd(opcode: number): CodecError | undefined {
    const payload = this.#control?.take() ?? new Uint8Array(0);
    if (opcode === OPCODE_PING) {
      this.#handler.onPing(payload);
    } else if (opcode === OPCODE_PONG) {
      this.#handler.onPong(payload);
    } else {
      const close = decodeClosePayload(payload);
      if (close instanceof CodecError) return close;
      this.closed = true;
      this.#parts?.clear();
      this.#handler.onClose(close);
    }
    return undefined;
  }
}

const EMPTY = new Uint8Array(0);

function invalidUtf8(): CodecError {
  return new CodecError('WS_ERR_INVALID_UTF8', 'Text message is not valid UTF-8');
}

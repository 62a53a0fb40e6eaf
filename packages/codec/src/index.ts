/**
 * @wskit/codec: the RFC 6455 WebSocket frame layer, sans-I/O. Zero dependencies and no runtime
 * APIs beyond the web-standard `TextEncoder`, `TextDecoder` and `crypto.getRandomValues`.
 *
 * @packageDocumentation
 */
export { ByteParts } from './byte-parts.js';
export {
  type ClosePayload,
  decodeClosePayload,
  encodeClosePayload,
  reportedCloseCode,
  validateLocalClose,
} from './close.js';
export {
  CloseCode,
  type ControlOpcode,
  type DataOpcode,
  DefaultLimits,
  isControlOpcode,
  isKnownOpcode,
  isValidWireCloseCode,
  MAX_7BIT_LENGTH,
  MAX_16BIT_LENGTH,
  MAX_CLOSE_REASON_BYTES,
  MAX_CONTROL_PAYLOAD,
  MAX_HEADER_SIZE,
  Opcode,
} from './constants.js';
export { CodecError, type CodecErrorCode, CodecErrorCodes, isCodecError } from './errors.js';
export { FrameDecoder, type FrameDecoderOptions, type FrameHandler, type Role } from './frame-decoder.js';
export { type EncodeOptions, FrameEncoder, type FrameEncoderOptions } from './frame-encoder.js';
export {
  encodeFrameHeader,
  type FrameHeader,
  type FrameHeaderFields,
  frameHeaderSize,
  Rsv,
  writeFrameHeader,
} from './frame-header.js';
export { applyMask, MaskKeyPool, maskInto, type RandomSource } from './mask.js';
export {
  MessageDecoder,
  type MessageDecoderOptions,
  type MessageHandler,
  type MessageType,
} from './message-decoder.js';
export { isValidUtf8, textDecoderUtf8Check, type Utf8Check, Utf8Validator } from './utf8.js';

/**
 * Handle properties (types 0–4, given at creation) and the global properties (types 5–6, read with
 * `WebSocketGetGlobalProperty`).
 */
import {
  E_INVALIDARG,
  E_NOT_SUFFICIENT_BUFFER,
  WEB_SOCKET_PROPERTY_TYPE as Property,
  S_OK,
} from './constants.js';
import type { WEB_SOCKET_PROPERTY, WebSocketGetGlobalPropertyResult } from './types.js';

/** The smallest receive buffer the documentation allows, and the default. */
const RECEIVE_BUFFER = { minimum: 256, default: 4096, maximum: 0xffff_ffff } as const;
/**
 * The send buffer: the documentation says "not below 256" but gives server handles a default of 16,
 * so the minimum is 16 (what .NET's wrapper uses), and the maximum .NET's 64 KiB.
 */
const SEND_BUFFER = { minimum: 16, maximum: 65_536, clientDefault: 4096, serverDefault: 16 } as const;
/** The overhead a caller-allocated buffer needs beyond the receive and send buffers (documented: 256). */
const ALLOCATED_BUFFER_OVERHEAD = 256;
/** The size of a ULONG or a BOOL, in bytes. */
const ULONG_SIZE = 4;

/** The settings of one handle, after validation and defaults. */
export interface HandleSettings {
  readonly receiveBufferSize: number;
  readonly sendBufferSize: number;
  readonly disableMasking: boolean;
  readonly disableUtf8Verification: boolean;
}

/**
 * Reads the properties of a new handle. Returns `E_INVALIDARG` for a global or unknown property, a
 * value of the wrong kind or size, a buffer size out of range, or an allocated buffer that is too
 * small or not 8-byte aligned. A property given twice takes its last value.
 */
export function readHandleProperties(
  properties: readonly WEB_SOCKET_PROPERTY[] | undefined,
  role: 'client' | 'server',
): HandleSettings | typeof E_INVALIDARG {
  let receiveBufferSize: number = RECEIVE_BUFFER.default;
  let sendBufferSize: number = role === 'client' ? SEND_BUFFER.clientDefault : SEND_BUFFER.serverDefault;
  let disableMasking = false;
  let disableUtf8Verification = false;
  let allocated: Uint8Array | undefined;
  if (properties === undefined || properties === null) {
    return { receiveBufferSize, sendBufferSize, disableMasking, disableUtf8Verification };
  }
  if (!Array.isArray(properties)) return E_INVALIDARG;
  for (const property of properties as readonly WEB_SOCKET_PROPERTY[]) {
    if (typeof property !== 'object' || property === null) return E_INVALIDARG;
    const { type, value, size } = property;
    switch (type) {
      case Property.WEB_SOCKET_RECEIVE_BUFFER_SIZE_PROPERTY_TYPE:
      case Property.WEB_SOCKET_SEND_BUFFER_SIZE_PROPERTY_TYPE: {
        const limits =
          type === Property.WEB_SOCKET_RECEIVE_BUFFER_SIZE_PROPERTY_TYPE ? RECEIVE_BUFFER : SEND_BUFFER;
        if (!isUlong(value) || !sizeIs(size, ULONG_SIZE)) return E_INVALIDARG;
        if (value < limits.minimum || value > limits.maximum) return E_INVALIDARG;
        if (type === Property.WEB_SOCKET_RECEIVE_BUFFER_SIZE_PROPERTY_TYPE) receiveBufferSize = value;
        else sendBufferSize = value;
        break;
      }
      case Property.WEB_SOCKET_DISABLE_MASKING_PROPERTY_TYPE:
      case Property.WEB_SOCKET_DISABLE_UTF8_VERIFICATION_PROPERTY_TYPE: {
        const flag = readBool(value);
        if (flag === undefined || !sizeIs(size, ULONG_SIZE)) return E_INVALIDARG;
        if (type === Property.WEB_SOCKET_DISABLE_MASKING_PROPERTY_TYPE) disableMasking = flag;
        else disableUtf8Verification = flag;
        break;
      }
      case Property.WEB_SOCKET_ALLOCATED_BUFFER_PROPERTY_TYPE:
        if (!(value instanceof Uint8Array) || !sizeIs(size, value.byteLength)) return E_INVALIDARG;
        allocated = value;
        break;
      default:
        // The global properties (5, 6) and unknown types.
        return E_INVALIDARG;
    }
  }
  if (allocated !== undefined) {
    // Checked against the final sizes. The buffer is accepted and left unused: the library manages
    // its own memory (a JavaScript caller gains nothing from lending it).
    const needed = receiveBufferSize + sendBufferSize + ALLOCATED_BUFFER_OVERHEAD;
    if (allocated.byteLength < needed || allocated.byteOffset % 8 !== 0) return E_INVALIDARG;
  }
  return { receiveBufferSize, sendBufferSize, disableMasking, disableUtf8Verification };
}

function isUlong(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffff_ffff;
}

function sizeIs(size: number | undefined, expected: number): boolean {
  return size === undefined || size === expected;
}

/** A BOOL: `true`/`false`, or a C-style integer (non-zero is TRUE). */
function readBool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return value !== 0;
  return undefined;
}

// ---- global properties ----------------------------------------------------------------------

/** The documented default keep-alive interval, in milliseconds. */
const DEFAULT_KEEPALIVE_INTERVAL = 30_000;
/** The smallest keep-alive interval; smaller configured values are raised to it. */
const MINIMUM_KEEPALIVE_INTERVAL = 15_000;
/** The WebSocket protocol versions this implementation speaks (RFC 6455 §4.1, §11.6). */
const SUPPORTED_VERSIONS: readonly number[] = Object.freeze([13]);

let keepaliveRegistryValue: number | undefined;

/**
 * Sets the stand-in for the registry value `HKLM\SOFTWARE\Microsoft\WebSocket\KeepaliveInterval`
 * (milliseconds) that `WEB_SOCKET_KEEPALIVE_INTERVAL_PROPERTY_TYPE` reports; `undefined` removes it
 * (the default, 30000, applies). Values below 15000 are reported as 15000, as Windows does. The
 * library does no timing itself: the caller sends the keep-alives.
 */
export function setKeepaliveIntervalRegistryValue(milliseconds: number | undefined): void {
  if (milliseconds !== undefined && !isUlong(milliseconds)) {
    throw new RangeError('The keep-alive interval must be an integer number of milliseconds (a ULONG)');
  }
  keepaliveRegistryValue = milliseconds;
}

/**
 * `WebSocketGetGlobalProperty(eType, pvValue, ulSize)`: reads the keep-alive interval (a ULONG of
 * milliseconds) or the supported versions (an array of ULONGs, `[13]`). `valueSize` is the room the
 * caller has, in bytes (any when omitted); when it is too small the result is
 * `E_NOT_SUFFICIENT_BUFFER` with the size needed. Other property types give `E_INVALIDARG`.
 */
export function WebSocketGetGlobalProperty(
  type: WEB_SOCKET_PROPERTY['type'],
  valueSize?: number,
): WebSocketGetGlobalPropertyResult {
  if (valueSize !== undefined && !isUlong(valueSize)) {
    return { hr: E_INVALIDARG, value: undefined, valueSize: 0 };
  }
  let value: number | readonly number[];
  let needed: number;
  if (type === Property.WEB_SOCKET_KEEPALIVE_INTERVAL_PROPERTY_TYPE) {
    value = Math.max(keepaliveRegistryValue ?? DEFAULT_KEEPALIVE_INTERVAL, MINIMUM_KEEPALIVE_INTERVAL);
    needed = ULONG_SIZE;
  } else if (type === Property.WEB_SOCKET_SUPPORTED_VERSIONS_PROPERTY_TYPE) {
    value = SUPPORTED_VERSIONS;
    needed = ULONG_SIZE * SUPPORTED_VERSIONS.length;
  } else {
    return { hr: E_INVALIDARG, value: undefined, valueSize: valueSize ?? 0 };
  }
  if (valueSize !== undefined && valueSize < needed) {
    return { hr: E_NOT_SUFFICIENT_BUFFER, value: undefined, valueSize: needed };
  }
  return { hr: S_OK, value, valueSize: needed };
}

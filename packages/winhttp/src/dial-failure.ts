/**
 * What a dialer's failure means in WinHTTP's terms: a name that did not resolve, a TLS failure (with
 * the `SECURE_FAILURE` flags that describe it) or a connection that could not be made. Dialers of
 * different runtimes fail differently; this reads the error codes they share (Node's and Bun's
 * `code`, OpenSSL's verification codes), also on a wrapped `cause`.
 */
import {
  WINHTTP_CALLBACK_STATUS_FLAG_CERT_CN_INVALID,
  WINHTTP_CALLBACK_STATUS_FLAG_CERT_DATE_INVALID,
  WINHTTP_CALLBACK_STATUS_FLAG_CERT_REVOKED,
  WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CA,
  WINHTTP_CALLBACK_STATUS_FLAG_SECURITY_CHANNEL_ERROR,
} from './callback-constants.js';
import {
  ERROR_WINHTTP_CANNOT_CONNECT,
  ERROR_WINHTTP_NAME_NOT_RESOLVED,
  ERROR_WINHTTP_SECURE_FAILURE,
  ERROR_WINHTTP_TIMEOUT,
} from './error-codes.js';

/** The error code for a failed dial, and the SECURE_FAILURE flags when TLS failed. */
export interface DialFailure {
  readonly error: number;
  readonly secureFlags?: number;
}

/** The codes and messages of an error and of its causes, upper-cased. */
function descriptions(error: unknown): string[] {
  const found: string[] = [];
  for (let current = error, depth = 0; current !== undefined && current !== null && depth < 4; depth++) {
    if (typeof current !== 'object') {
      found.push(String(current).toUpperCase());
      break;
    }
    const { code, name, message, cause } = current as {
      code?: unknown;
      name?: unknown;
      message?: unknown;
      cause?: unknown;
    };
    for (const part of [code, name, message]) if (typeof part === 'string') found.push(part.toUpperCase());
    current = cause;
  }
  return found;
}

/** The SECURE_FAILURE flags for a TLS error, or `undefined` when `texts` do not describe one. */
function secureFailureFlags(texts: readonly string[]): number | undefined {
  const has = (pattern: RegExp): boolean => texts.some((text) => pattern.test(text));
  if (has(/SELF[_ -]SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|CERT_UNTRUSTED|UNKNOWN CA|UNKNOWN_CA/)) {
    return WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CA;
  }
  if (has(/ALTNAME|HOSTNAME|HOST NAME|CERT_COMMON_NAME/)) return WINHTTP_CALLBACK_STATUS_FLAG_CERT_CN_INVALID;
  if (has(/CERT_HAS_EXPIRED|CERT_NOT_YET_VALID|EXPIRED/))
    return WINHTTP_CALLBACK_STATUS_FLAG_CERT_DATE_INVALID;
  if (has(/CERT_REVOKED/)) return WINHTTP_CALLBACK_STATUS_FLAG_CERT_REVOKED;
  if (has(/^ERR_SSL|^ERR_TLS|TLS|SSL|CERTIFICATE|^EPROTO$/))
    return WINHTTP_CALLBACK_STATUS_FLAG_SECURITY_CHANNEL_ERROR;
  return undefined;
}

/** Classifies a dialer's rejection for a request (`secure`: a `WINHTTP_FLAG_SECURE` one). */
export function dialFailure(error: unknown, secure: boolean): DialFailure {
  const texts = descriptions(error);
  if (texts.some((text) => text === 'ENOTFOUND' || text === 'EAI_AGAIN' || text === 'EAI_NONAME')) {
    return { error: ERROR_WINHTTP_NAME_NOT_RESOLVED };
  }
  if (texts.some((text) => text === 'ETIMEDOUT' || text === 'TIMEOUTERROR'))
    return { error: ERROR_WINHTTP_TIMEOUT };
  if (secure) {
    const secureFlags = secureFailureFlags(texts);
    if (secureFlags !== undefined) return { error: ERROR_WINHTTP_SECURE_FAILURE, secureFlags };
  }
  return { error: ERROR_WINHTTP_CANNOT_CONNECT };
}

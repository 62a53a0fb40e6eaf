/**
 * The constants of the upgrade sequence with the exact values of `winhttp.h`: `WinHttpOpen` and
 * `WinHttpOpenRequest` flags, ports, access types, options (`WINHTTP_OPTION_*`), handle types,
 * `WinHttpAddRequestHeaders` modifiers and `WinHttpQueryHeaders` info levels.
 */

/** `WinHttpOpen` flag: callbacks mode, the only mode this package supports (see the README). */
export const WINHTTP_FLAG_ASYNC = 0x10000000;
/** `WinHttpOpenRequest` flag: use TLS (`wss:`). */
export const WINHTTP_FLAG_SECURE = 0x00800000;

/** `WinHttpConnect` port: the scheme's default, 80 or 443 by `WINHTTP_FLAG_SECURE` (0). */
export const INTERNET_DEFAULT_PORT = 0;
/** 80. */
export const INTERNET_DEFAULT_HTTP_PORT = 80;
/** 443. */
export const INTERNET_DEFAULT_HTTPS_PORT = 443;

/** `WinHttpOpen` access type: the system's proxy settings; here, a direct connection (0). */
export const WINHTTP_ACCESS_TYPE_DEFAULT_PROXY = 0;
/** `WinHttpOpen` access type: a direct connection (1). */
export const WINHTTP_ACCESS_TYPE_NO_PROXY = 1;
/** `WinHttpOpen` access type: a named proxy (3), not supported: `WinHttpOpen` fails with `ERROR_NOT_SUPPORTED`. */
export const WINHTTP_ACCESS_TYPE_NAMED_PROXY = 3;
/** `WinHttpOpen` access type: automatic proxy detection (4); here, a direct connection. */
export const WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY = 4;
/** `WinHttpOpen`'s `pszProxyW` when there is none (`NULL`). */
export const WINHTTP_NO_PROXY_NAME = null;
/** `WinHttpOpen`'s `pszProxyBypassW` when there is none (`NULL`). */
export const WINHTTP_NO_PROXY_BYPASS = null;
/** `WinHttpOpenRequest`'s `pwszReferrer` when there is none (`NULL`). */
export const WINHTTP_NO_REFERER = null;
/** `WinHttpOpenRequest`'s `ppwszAcceptTypes` when there are none (`NULL`). */
export const WINHTTP_DEFAULT_ACCEPT_TYPES = null;
/** `WinHttpSendRequest`'s `lpszHeaders` when there are none (`NULL`). */
export const WINHTTP_NO_ADDITIONAL_HEADERS = null;
/** `WinHttpSendRequest`'s `lpOptional` when there is none (`NULL`). */
export const WINHTTP_NO_REQUEST_DATA = null;
/** `WinHttpQueryHeaders`'s `pwszName` for info levels other than `WINHTTP_QUERY_CUSTOM` (`NULL`). */
export const WINHTTP_HEADER_NAME_BY_INDEX = null;
/** `WinHttpQueryHeaders`'s `lpBuffer` for a size query (`NULL`). */
export const WINHTTP_NO_OUTPUT_BUFFER = null;
/** `WinHttpQueryHeaders`'s `lpdwIndex` when not enumerating repeated headers (`NULL`). */
export const WINHTTP_NO_HEADER_INDEX = null;

/** Option 3: how long to wait for the connection (TLS included), in ms; 0 or 0xFFFFFFFF waits forever (default 60000). */
export const WINHTTP_OPTION_CONNECT_TIMEOUT = 3;
/** Option 7: how long to wait for the response head, in ms; 0 or 0xFFFFFFFF waits forever (default 90000). */
export const WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT = 7;
/** Option 9 (query only): the handle's type, a `WINHTTP_HANDLE_TYPE_*`. */
export const WINHTTP_OPTION_HANDLE_TYPE = 9;
/** Option 45: the handle's context value (`dwContext` of its callbacks); any value. */
export const WINHTTP_OPTION_CONTEXT_VALUE = 45;
/** Option 114 (request handles, set only, no value): make `WinHttpSendRequest` a WebSocket handshake. */
export const WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET = 114;
/** Option 115: how long `WinHttpWebSocketClose` waits for the peer's close frame, in ms (default 10000). */
export const WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT = 115;
/** Option 116: the idle time after which a keep-alive (unsolicited pong) is sent, in ms (default 30000, at least 15000). */
export const WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL = 116;
/** Option 122 (session and request handles): the WebSocket receive buffer size in bytes (default 32768). */
export const WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE = 122;
/** Option 123 (session and request handles): the WebSocket send buffer size in bytes (default 32768, at least 16). */
export const WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE = 123;

/** `WINHTTP_OPTION_HANDLE_TYPE` of a `WinHttpOpen` handle (1). */
export const WINHTTP_HANDLE_TYPE_SESSION = 1;
/** `WINHTTP_OPTION_HANDLE_TYPE` of a `WinHttpConnect` handle (2). */
export const WINHTTP_HANDLE_TYPE_CONNECT = 2;
/** `WINHTTP_OPTION_HANDLE_TYPE` of a `WinHttpOpenRequest` handle (3). */
export const WINHTTP_HANDLE_TYPE_REQUEST = 3;
/** `WINHTTP_OPTION_HANDLE_TYPE` of a `WinHttpWebSocketCompleteUpgrade` handle (5). */
export const WINHTTP_HANDLE_TYPE_WEBSOCKET = 5;

/** `WinHttpAddRequestHeaders` modifier: add only if no header of that name exists (else `ERROR_WINHTTP_HEADER_ALREADY_EXISTS`). */
export const WINHTTP_ADDREQ_FLAG_ADD_IF_NEW = 0x10000000;
/** `WinHttpAddRequestHeaders` modifier: add (with `REPLACE`: add when there was nothing to replace). */
export const WINHTTP_ADDREQ_FLAG_ADD = 0x20000000;
/** `WinHttpAddRequestHeaders` modifier: append the value to an existing header after a comma. */
export const WINHTTP_ADDREQ_FLAG_COALESCE_WITH_COMMA = 0x40000000;
/** `WinHttpAddRequestHeaders` modifier: append the value to an existing header after a semicolon. */
export const WINHTTP_ADDREQ_FLAG_COALESCE_WITH_SEMICOLON = 0x01000000;
/** Same as `WINHTTP_ADDREQ_FLAG_COALESCE_WITH_COMMA`. */
export const WINHTTP_ADDREQ_FLAG_COALESCE = WINHTTP_ADDREQ_FLAG_COALESCE_WITH_COMMA;
/** `WinHttpAddRequestHeaders` modifier: replace the header (an empty value removes it). */
export const WINHTTP_ADDREQ_FLAG_REPLACE = 0x80000000;

/** Info level: the content type header. */
export const WINHTTP_QUERY_CONTENT_TYPE = 1;
/** Info level: the content length header. */
export const WINHTTP_QUERY_CONTENT_LENGTH = 5;
/** Info level: the date header. */
export const WINHTTP_QUERY_DATE = 9;
/** Info level: the HTTP version of the status line, e.g. `HTTP/1.1`. */
export const WINHTTP_QUERY_VERSION = 18;
/** Info level: the status code, e.g. `101` (a number with `WINHTTP_QUERY_FLAG_NUMBER`). */
export const WINHTTP_QUERY_STATUS_CODE = 19;
/** Info level: the reason phrase of the status line. */
export const WINHTTP_QUERY_STATUS_TEXT = 20;
/** Info level: the status line and every header, each ended by a NUL, the whole by another NUL. */
export const WINHTTP_QUERY_RAW_HEADERS = 21;
/** Info level: the status line and every header, each ended by CRLF, the whole by another CRLF. */
export const WINHTTP_QUERY_RAW_HEADERS_CRLF = 22;
/** Info level: the connection header. */
export const WINHTTP_QUERY_CONNECTION = 23;
/** Info level: the location header. */
export const WINHTTP_QUERY_LOCATION = 33;
/** Info level: the server header. */
export const WINHTTP_QUERY_SERVER = 37;
/** Info level: the WWW-Authenticate header. */
export const WINHTTP_QUERY_WWW_AUTHENTICATE = 40;
/** Info level: the Set-Cookie header. */
export const WINHTTP_QUERY_SET_COOKIE = 43;
/** Info level: the host header (of the request). */
export const WINHTTP_QUERY_HOST = 55;
/** Info level: the upgrade header. */
export const WINHTTP_QUERY_UPGRADE = 64;
/** Info level: the header named by `pwszName`. */
export const WINHTTP_QUERY_CUSTOM = 65535;
/** Info level flag: query the request's headers instead of the response's. */
export const WINHTTP_QUERY_FLAG_REQUEST_HEADERS = 0x80000000;
/** Info level flag: return the value as a number. */
export const WINHTTP_QUERY_FLAG_NUMBER = 0x20000000;

/** The status a WebSocket upgrade must answer with (101). */
export const HTTP_STATUS_SWITCH_PROTOCOLS = 101;

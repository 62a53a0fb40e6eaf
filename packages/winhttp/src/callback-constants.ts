/**
 * The status callback's constants with the exact values of `winhttp.h`: the statuses
 * (`WINHTTP_CALLBACK_STATUS_*`, one bit each), the notification masks
 * (`WINHTTP_CALLBACK_FLAG_*`), the API ids of `WINHTTP_ASYNC_RESULT.dwResult` (`API_*`) and the
 * flags of a `SECURE_FAILURE` notification.
 */

/** 0x1: looking up the server's address (not reported here: the dialer resolves names). */
export const WINHTTP_CALLBACK_STATUS_RESOLVING_NAME = 0x00000001;
/** 0x2: the server's address was found (not reported here). */
export const WINHTTP_CALLBACK_STATUS_NAME_RESOLVED = 0x00000002;
/** 0x4: connecting to the server; the information is the server name. */
export const WINHTTP_CALLBACK_STATUS_CONNECTING_TO_SERVER = 0x00000004;
/** 0x8: connected to the server (TLS included); the information is the remote address. */
export const WINHTTP_CALLBACK_STATUS_CONNECTED_TO_SERVER = 0x00000008;
/** 0x10: sending the request. */
export const WINHTTP_CALLBACK_STATUS_SENDING_REQUEST = 0x00000010;
/** 0x20: the request was sent; the information is the number of bytes (a DWORD). */
export const WINHTTP_CALLBACK_STATUS_REQUEST_SENT = 0x00000020;
/** 0x40: waiting for the server's response. */
export const WINHTTP_CALLBACK_STATUS_RECEIVING_RESPONSE = 0x00000040;
/** 0x80: the response head arrived; the information is the number of bytes (a DWORD). */
export const WINHTTP_CALLBACK_STATUS_RESPONSE_RECEIVED = 0x00000080;
/** 0x100: closing the connection (not reported here). */
export const WINHTTP_CALLBACK_STATUS_CLOSING_CONNECTION = 0x00000100;
/** 0x200: the connection was closed (not reported here). */
export const WINHTTP_CALLBACK_STATUS_CONNECTION_CLOSED = 0x00000200;
/** 0x400: a handle was created; the information is the new HINTERNET. */
export const WINHTTP_CALLBACK_STATUS_HANDLE_CREATED = 0x00000400;
/** 0x800: the handle is being closed; the information is the HINTERNET. The last callback for it. */
export const WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING = 0x00000800;
/** 0x1000: detecting a proxy (never reported here). */
export const WINHTTP_CALLBACK_STATUS_DETECTING_PROXY = 0x00001000;
/** 0x4000: being redirected (never reported here: redirects are not followed). */
export const WINHTTP_CALLBACK_STATUS_REDIRECT = 0x00004000;
/** 0x8000: an intermediate (1xx) response arrived (never reported here). */
export const WINHTTP_CALLBACK_STATUS_INTERMEDIATE_RESPONSE = 0x00008000;
/** 0x10000: the TLS handshake failed; the information is a DWORD of `WINHTTP_CALLBACK_STATUS_FLAG_*`. */
export const WINHTTP_CALLBACK_STATUS_SECURE_FAILURE = 0x00010000;
/** 0x20000: `WinHttpReceiveResponse` completed: the response head can be queried. */
export const WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE = 0x00020000;
/** 0x40000: data is available to read (HTTP bodies; never reported here). */
export const WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE = 0x00040000;
/** 0x80000: `WinHttpWebSocketReceive` completed; the information is a `WINHTTP_WEB_SOCKET_STATUS`. */
export const WINHTTP_CALLBACK_STATUS_READ_COMPLETE = 0x00080000;
/** 0x100000: `WinHttpWebSocketSend` completed; the information is a `WINHTTP_WEB_SOCKET_STATUS`. */
export const WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE = 0x00100000;
/**
 * 0x200000: an asynchronous operation failed; the information is a `WINHTTP_ASYNC_RESULT` (request
 * handles) or a `WINHTTP_WEB_SOCKET_ASYNC_RESULT` (WebSocket handles).
 */
export const WINHTTP_CALLBACK_STATUS_REQUEST_ERROR = 0x00200000;
/** 0x400000: `WinHttpSendRequest` completed. */
export const WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE = 0x00400000;
/** 0x1000000: `WinHttpGetProxyForUrlEx` completed (never reported here). */
export const WINHTTP_CALLBACK_STATUS_GETPROXYFORURL_COMPLETE = 0x01000000;
/** 0x2000000: `WinHttpWebSocketClose` completed; no information. */
export const WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE = 0x02000000;
/** 0x4000000: `WinHttpWebSocketShutdown` completed; no information. */
export const WINHTTP_CALLBACK_STATUS_SHUTDOWN_COMPLETE = 0x04000000;
/** 0x8000000: `WinHttpGetProxySettingsEx` completed (never reported here). */
export const WINHTTP_CALLBACK_STATUS_GETPROXYSETTINGS_COMPLETE = 0x08000000;
/** 0x10000000: proxy settings written (never reported here). */
export const WINHTTP_CALLBACK_STATUS_SETTINGS_WRITE_COMPLETE = 0x10000000;
/** 0x20000000: proxy settings read (never reported here). */
export const WINHTTP_CALLBACK_STATUS_SETTINGS_READ_COMPLETE = 0x20000000;

/** `RESOLVING_NAME | NAME_RESOLVED`. */
export const WINHTTP_CALLBACK_FLAG_RESOLVE_NAME =
  WINHTTP_CALLBACK_STATUS_RESOLVING_NAME | WINHTTP_CALLBACK_STATUS_NAME_RESOLVED;
/** `CONNECTING_TO_SERVER | CONNECTED_TO_SERVER`. */
export const WINHTTP_CALLBACK_FLAG_CONNECT_TO_SERVER =
  WINHTTP_CALLBACK_STATUS_CONNECTING_TO_SERVER | WINHTTP_CALLBACK_STATUS_CONNECTED_TO_SERVER;
/** `SENDING_REQUEST | REQUEST_SENT`. */
export const WINHTTP_CALLBACK_FLAG_SEND_REQUEST =
  WINHTTP_CALLBACK_STATUS_SENDING_REQUEST | WINHTTP_CALLBACK_STATUS_REQUEST_SENT;
/** `RECEIVING_RESPONSE | RESPONSE_RECEIVED`. */
export const WINHTTP_CALLBACK_FLAG_RECEIVE_RESPONSE =
  WINHTTP_CALLBACK_STATUS_RECEIVING_RESPONSE | WINHTTP_CALLBACK_STATUS_RESPONSE_RECEIVED;
/** `CLOSING_CONNECTION | CONNECTION_CLOSED`. */
export const WINHTTP_CALLBACK_FLAG_CLOSE_CONNECTION =
  WINHTTP_CALLBACK_STATUS_CLOSING_CONNECTION | WINHTTP_CALLBACK_STATUS_CONNECTION_CLOSED;
/** `HANDLE_CREATED | HANDLE_CLOSING`. */
export const WINHTTP_CALLBACK_FLAG_HANDLES =
  WINHTTP_CALLBACK_STATUS_HANDLE_CREATED | WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING;
/** `DETECTING_PROXY`. */
export const WINHTTP_CALLBACK_FLAG_DETECTING_PROXY = WINHTTP_CALLBACK_STATUS_DETECTING_PROXY;
/** `REDIRECT`. */
export const WINHTTP_CALLBACK_FLAG_REDIRECT = WINHTTP_CALLBACK_STATUS_REDIRECT;
/** `INTERMEDIATE_RESPONSE`. */
export const WINHTTP_CALLBACK_FLAG_INTERMEDIATE_RESPONSE = WINHTTP_CALLBACK_STATUS_INTERMEDIATE_RESPONSE;
/** `SECURE_FAILURE`. */
export const WINHTTP_CALLBACK_FLAG_SECURE_FAILURE = WINHTTP_CALLBACK_STATUS_SECURE_FAILURE;
/** `SENDREQUEST_COMPLETE`. */
export const WINHTTP_CALLBACK_FLAG_SENDREQUEST_COMPLETE = WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE;
/** `HEADERS_AVAILABLE`. */
export const WINHTTP_CALLBACK_FLAG_HEADERS_AVAILABLE = WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE;
/** `DATA_AVAILABLE`. */
export const WINHTTP_CALLBACK_FLAG_DATA_AVAILABLE = WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE;
/** `READ_COMPLETE`. */
export const WINHTTP_CALLBACK_FLAG_READ_COMPLETE = WINHTTP_CALLBACK_STATUS_READ_COMPLETE;
/** `WRITE_COMPLETE`. */
export const WINHTTP_CALLBACK_FLAG_WRITE_COMPLETE = WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE;
/** `REQUEST_ERROR`. */
export const WINHTTP_CALLBACK_FLAG_REQUEST_ERROR = WINHTTP_CALLBACK_STATUS_REQUEST_ERROR;
/** `GETPROXYFORURL_COMPLETE`. */
export const WINHTTP_CALLBACK_FLAG_GETPROXYFORURL_COMPLETE = WINHTTP_CALLBACK_STATUS_GETPROXYFORURL_COMPLETE;
/** `GETPROXYSETTINGS_COMPLETE`. */
export const WINHTTP_CALLBACK_FLAG_GETPROXYSETTINGS_COMPLETE =
  WINHTTP_CALLBACK_STATUS_GETPROXYSETTINGS_COMPLETE;
/**
 * Every completion as `winhttp.h` defines the mask: SENDREQUEST_COMPLETE, HEADERS_AVAILABLE,
 * DATA_AVAILABLE, READ_COMPLETE, WRITE_COMPLETE, REQUEST_ERROR, GETPROXYFORURL_COMPLETE and
 * GETPROXYSETTINGS_COMPLETE. It leaves out CLOSE_COMPLETE and SHUTDOWN_COMPLETE, which are delivered
 * anyway when any of these bits is registered (see the README).
 */
export const WINHTTP_CALLBACK_FLAG_ALL_COMPLETIONS =
  WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE |
  WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE |
  WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE |
  WINHTTP_CALLBACK_STATUS_READ_COMPLETE |
  WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE |
  WINHTTP_CALLBACK_STATUS_REQUEST_ERROR |
  WINHTTP_CALLBACK_STATUS_GETPROXYFORURL_COMPLETE |
  WINHTTP_CALLBACK_STATUS_GETPROXYSETTINGS_COMPLETE;
/** Every status (0xffffffff). */
export const WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS = 0xffffffff;

/** `dwResult` of a request handle's REQUEST_ERROR: `WinHttpReceiveResponse` failed. */
export const API_RECEIVE_RESPONSE = 1;
/** `dwResult`: `WinHttpQueryDataAvailable` failed (not implemented here). */
export const API_QUERY_DATA_AVAILABLE = 2;
/** `dwResult`: `WinHttpReadData` failed (not implemented here). */
export const API_READ_DATA = 3;
/** `dwResult`: `WinHttpWriteData` failed (not implemented here). */
export const API_WRITE_DATA = 4;
/** `dwResult` of a request handle's REQUEST_ERROR: `WinHttpSendRequest` failed. */
export const API_SEND_REQUEST = 5;
/** `dwResult`: `WinHttpGetProxyForUrlEx` failed (not implemented here). */
export const API_GET_PROXY_FOR_URL = 6;
/** `dwResult`: `WinHttpGetProxySettingsEx` failed (not implemented here). */
export const API_GET_PROXY_SETTINGS = 7;

/** SECURE_FAILURE flag: the revocation check failed. */
export const WINHTTP_CALLBACK_STATUS_FLAG_CERT_REV_FAILED = 0x00000001;
/** SECURE_FAILURE flag: the certificate is invalid. */
export const WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CERT = 0x00000002;
/** SECURE_FAILURE flag: the certificate was revoked. */
export const WINHTTP_CALLBACK_STATUS_FLAG_CERT_REVOKED = 0x00000004;
/** SECURE_FAILURE flag: the certificate's issuer is not trusted (unknown or self-signed CA). */
export const WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CA = 0x00000008;
/** SECURE_FAILURE flag: the certificate does not name the server. */
export const WINHTTP_CALLBACK_STATUS_FLAG_CERT_CN_INVALID = 0x00000010;
/** SECURE_FAILURE flag: the certificate has expired or is not valid yet. */
export const WINHTTP_CALLBACK_STATUS_FLAG_CERT_DATE_INVALID = 0x00000020;
/** SECURE_FAILURE flag: the certificate may not be used for this purpose. */
export const WINHTTP_CALLBACK_STATUS_FLAG_CERT_WRONG_USAGE = 0x00000040;
/** SECURE_FAILURE flag: any other TLS failure. */
export const WINHTTP_CALLBACK_STATUS_FLAG_SECURITY_CHANNEL_ERROR = 0x80000000;

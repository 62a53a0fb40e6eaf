import * as dll from '@wskit/websocket-dll';
import { describe, expect, it } from 'vitest';

describe('@wskit/websocket-dll public surface', () => {
  it('exports exactly these runtime names', () => {
    expect(Object.keys(dll).sort()).toEqual([
      'E_FAIL',
      'E_INVALIDARG',
      'E_INVALID_PROTOCOL_FORMAT',
      'E_INVALID_PROTOCOL_OPERATION',
      'E_NOT_SUFFICIENT_BUFFER',
      'E_OUTOFMEMORY',
      'E_PROTOCOL_EXTENSIONS_NOT_SUPPORTED',
      'E_PROTOCOL_VERSION_NOT_SUPPORTED',
      'E_SUBPROTOCOL_NOT_SUPPORTED',
      'FAILED',
      'SUCCEEDED',
      'S_OK',
      'WEB_SOCKET_ACTION',
      'WEB_SOCKET_ACTION_QUEUE',
      'WEB_SOCKET_BUFFER_TYPE',
      'WEB_SOCKET_CLOSE_STATUS',
      'WEB_SOCKET_MAX_CLOSE_REASON_LENGTH',
      'WEB_SOCKET_PROPERTY_TYPE',
      'WebSocketAbortHandle',
      'WebSocketBeginClientHandshake',
      'WebSocketBeginServerHandshake',
      'WebSocketCompleteAction',
      'WebSocketCreateClientHandle',
      'WebSocketCreateServerHandle',
      'WebSocketDeleteHandle',
      'WebSocketEndClientHandshake',
      'WebSocketEndServerHandshake',
      'WebSocketGetAction',
      'WebSocketGetGlobalProperty',
      'WebSocketReceive',
      'WebSocketSend',
      'setKeepaliveIntervalRegistryValue',
    ]);
  });

  it('has the 13 functions of websocket.dll, and nothing of the engine', () => {
    const functions = Object.entries(dll)
      .filter(([name, value]) => typeof value === 'function' && name.startsWith('WebSocket'))
      .map(([name]) => name);
    expect(functions).toHaveLength(13);
    expect('Connection' in dll).toBe(false);
  });
});

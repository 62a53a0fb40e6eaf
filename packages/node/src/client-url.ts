export { parseWebSocketUrl, type WebSocketTarget } from '@wskit/transport';

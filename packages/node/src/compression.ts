export { type PerMessageDeflateOption, serverPerMessageDeflate } from '@wskit/permessage-deflate';
export { engineExtensions } from '@wskit/transport';

/**
 * An https: proxy is refused with a TypeError that says why (the dialer's connection to a proxy is
 * plain TCP): at the call for the `proxy` option, and by the dialer for a proxy from elsewhere (`HTTPS_PROXY` through `dialWebSocket`).
 * Neither reaches `cloudflare:sockets`, so this runs in Node.
 */
import { cloudflareDialer, connect } from '@wskit/cloudflare';
import { parseProxyUrl } from '@wskit/transport';
import { describe, expect, it } from 'vitest';

describe('https: proxies on Cloudflare', () => {
  it('throws a TypeError at the call for an https: proxy URL', () => {
    expect(() => connect('wss://example.com/', { proxy: 'https://proxy.internal:3129' })).toThrow(
      /an https: proxy \(https:\/\/proxy\.internal:3129\/\) is not supported .*plain TCP/,
    );
  });

  it('rejects in the dialer for an https: proxy target', async () => {
    await expect(
      cloudflareDialer({
        host: 'example.com',
        port: 443,
        secure: true,
        proxy: parseProxyUrl('https://proxy.internal:3129'),
      }),
    ).rejects.toThrow(TypeError);
  });
});

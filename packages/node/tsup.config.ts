import { definePackageConfig } from '@wskit/tooling/tsup';
import { defineConfig } from 'tsup';

// http2-client is an entry of its own: `connect` loads it on first use (see http2-options.ts).
export default defineConfig(definePackageConfig({ entry: ['src/index.ts', 'src/http2-client.ts'] }));

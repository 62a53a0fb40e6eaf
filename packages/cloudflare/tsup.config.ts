import { definePackageConfig } from '@wskit/tooling/tsup';
import { defineConfig } from 'tsup';

// `cloudflare:sockets` stays external (the preset's rule) and is imported dynamically, inside
// connect: importing the package outside workerd works, using it there fails with a clear message.
export default defineConfig(definePackageConfig());

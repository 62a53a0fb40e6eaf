import { definePackageConfig } from '@wskit/tooling/tsup';
import { defineConfig } from 'tsup';

export default defineConfig(definePackageConfig());

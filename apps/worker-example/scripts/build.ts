/** `build`: bundles the Worker into dist/worker.js (see bundle.ts). */
import { relative } from 'node:path';
import { appDirectory, bundleWorker } from './bundle.ts';

const bundle = await bundleWorker();
console.log(`worker-example: bundled ${relative(appDirectory, bundle.path)} (${bundle.script.length} bytes)`);

/**
 * The conformance suite over the in-memory transport pair: two sessions wired directly, the server
 * side running serveConformance; then again after a real HTTP/1.1 upgrade over each pair (the flow
 * of an adapter, early data included). Each case is one test, so failures name the case.
 */
import { conformanceCases, inMemoryConformanceEnv, runConformanceCase } from '@wskit/transport/testing';
import { describe, expect, it } from 'vitest';

for (const handshake of [false, true]) {
  describe(`conformance over the in-memory pair${handshake ? ', after an HTTP/1.1 upgrade' : ''}`, () => {
    const env = inMemoryConformanceEnv({ handshake });
    for (const testCase of conformanceCases) {
      it(testCase.name, async () => {
        const result = await runConformanceCase(testCase, env, 15_000);
        expect(result.error ?? '').toBe('');
        expect(result.ok).toBe(true);
      });
    }
  });
}

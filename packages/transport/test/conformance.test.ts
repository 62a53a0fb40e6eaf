/**
 * The conformance suite over the in-memory transport pair: two sessions wired directly, the server
 * side running serveConformance. Each case is one test, so failures name the case.
 */
import { conformanceCases, inMemoryConformanceEnv, runConformanceCase } from '@wskit/transport/testing';
import { describe, expect, it } from 'vitest';

describe('conformance over the in-memory pair', () => {
  const env = inMemoryConformanceEnv();
  for (const testCase of conformanceCases) {
    it(testCase.name, async () => {
      const result = await runConformanceCase(testCase, env, 15_000);
      expect(result.error ?? '').toBe('');
      expect(result.ok).toBe(true);
    });
  }
});

/**
 * The WHATWG cases of @wskit/transport/testing over in-memory pairs: the reference the runtime
 * adapters' runs compare with. Run by vitest (Node) and `bun test` (Bun); workerd.node.test.ts runs
 * them inside workerd.
 */
import { inMemoryStandardEnv, standardCases } from '@wskit/transport/testing';
import { describe, expect, it } from 'vitest';

describe('WHATWG cases over in-memory pairs', () => {
  const env = inMemoryStandardEnv();
  for (const testCase of standardCases) {
    it(testCase.name, async () => {
      await testCase.run(env);
    });
  }
  it('lists every case once', () => {
    const names = standardCases.map((testCase) => testCase.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.length).toBeGreaterThanOrEqual(12);
  });
});

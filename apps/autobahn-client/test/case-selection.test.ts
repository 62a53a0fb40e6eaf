import { describe, expect, it } from 'vitest';
import { formatCaseSelection, parseCaseSelection, selectCases } from '../src/case-selection.ts';

describe('parseCaseSelection', () => {
  it('reads numbers and ranges', () => {
    expect(parseCaseSelection('1-10,15')).toEqual([
      [1, 10],
      [15, 15],
    ]);
    expect(parseCaseSelection(' 3 , 5 - 7 ')).toEqual([
      [3, 3],
      [5, 7],
    ]);
  });

  it('explains what it cannot read', () => {
    expect(parseCaseSelection('')).toMatch(/^--cases takes case numbers/);
    expect(parseCaseSelection('1,,2')).toMatch(/^--cases takes case numbers/);
    expect(parseCaseSelection('1.1.1')).toMatch(/^--cases takes case numbers/);
    expect(parseCaseSelection('0-3')).toBe('--cases: cases are numbered from 1, not "0-3"');
    expect(parseCaseSelection('5-2')).toBe('--cases: the range "5-2" runs backwards');
  });
});

describe('selectCases', () => {
  it('takes every case without a selection', () => {
    expect(selectCases(undefined, 4)).toEqual({ cases: [1, 2, 3, 4], beyond: [] });
    expect(selectCases(undefined, 0)).toEqual({ cases: [], beyond: [] });
  });

  it('sorts, drops repeats, and sets aside what is beyond the count', () => {
    const selection = parseCaseSelection('9,2-4,3,6-12,40') as [number, number][];
    expect(selectCases(selection, 10)).toEqual({
      cases: [2, 3, 4, 6, 7, 8, 9, 10],
      beyond: [
        [11, 12],
        [40, 40],
      ],
    });
    expect(formatCaseSelection(selectCases(selection, 10).beyond)).toBe('11-12, 40');
  });

  it('does not walk a huge range beyond the count', () => {
    expect(selectCases([[1, Number.MAX_SAFE_INTEGER]], 3).cases).toEqual([1, 2, 3]);
  });
});

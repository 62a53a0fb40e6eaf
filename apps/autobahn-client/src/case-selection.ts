/**
 * `--cases`: which of the fuzzing server's cases to run, by their position (1 to the case count the
 * server reports), e.g. `1-10,15`.
 */

/** A selection of case positions: inclusive ranges, in the order given. */
export type CaseSelection = readonly (readonly [first: number, last: number])[];

/**
 * Reads `1-10,15,20-22` (spaces allowed around the parts). Returns a message for anything else: a
 * part that is not `N` or `N-M`, a position below 1, or a range that runs backwards.
 */
export function parseCaseSelection(text: string): CaseSelection | string {
  const ranges: [number, number][] = [];
  for (const part of text.split(',')) {
    const match = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!match) {
      return `--cases takes case numbers and ranges such as 1-10,15, not ${JSON.stringify(text)}`;
    }
    const first = Number(match[1]);
    const last = match[2] === undefined ? first : Number(match[2]);
    if (first < 1 || !Number.isSafeInteger(last)) {
      return `--cases: cases are numbered from 1, not ${JSON.stringify(part.trim())}`;
    }
    if (last < first) return `--cases: the range ${JSON.stringify(part.trim())} runs backwards`;
    ranges.push([first, last]);
  }
  return ranges;
}

/**
 * The cases to run out of the `count` the server has: the selected ones (all without a selection)
 * in ascending order, each once; and the selected ranges beyond `count`, which cannot run.
 */
export function selectCases(
  selection: CaseSelection | undefined,
  count: number,
): { cases: number[]; beyond: CaseSelection } {
  if (selection === undefined) {
    return { cases: Array.from({ length: count }, (_, index) => index + 1), beyond: [] };
  }
  const chosen = new Set<number>();
  const beyond: [number, number][] = [];
  for (const [first, last] of selection) {
    for (let position = first; position <= Math.min(last, count); position++) chosen.add(position);
    if (last > count) beyond.push([Math.max(first, count + 1), last]);
  }
  return { cases: [...chosen].sort((a, b) => a - b), beyond };
}

/** `5, 7-9`: a selection as `--cases` spells it. */
export function formatCaseSelection(selection: CaseSelection): string {
  return selection.map(([first, last]) => (first === last ? `${first}` : `${first}-${last}`)).join(', ');
}

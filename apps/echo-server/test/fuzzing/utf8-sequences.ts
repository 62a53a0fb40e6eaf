/**
 * The UTF-8 test vectors of Autobahn|Testsuite cases 6.5 to 6.23, after Markus Kuhn's UTF-8 decoder
 * stress test (https://www.cl.cam.ac.uk/~mgk25/ucs/examples/UTF-8-test.txt): groups in the suite's
 * order, each a list of byte sequences and whether they are valid UTF-8 (RFC 3629). Case 6.G.N is
 * group G − 5 (from 0), sequence N − 1.
 */

/** One group of sequences: its title and `[valid, bytes]` pairs. */
export interface Utf8Group {
  readonly title: string;
  readonly sequences: readonly (readonly [valid: boolean, bytes: Uint8Array])[];
}

const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const valid = (bytes: Uint8Array) => [true, bytes] as const;
const invalid = (bytes: Uint8Array) => [false, bytes] as const;

/** κόσμε, the stress test's first sample. */
export const KOSME = hex('ce ba e1 bd b9 cf 83 ce bc ce b5');

/** Whether `bytes` is complete, valid UTF-8 (the harness's own check: a fatal decoder). */
export function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function range(first: number, end: number, separator?: number): Uint8Array {
  const out: number[] = [];
  for (let byte = first; byte < end; byte++) {
    out.push(byte);
    if (separator !== undefined) out.push(separator);
  }
  return Uint8Array.from(out);
}

const missingLast = [
  'c0',
  'e0 80',
  'f0 80 80',
  'f8 80 80 80',
  'fc 80 80 80 80',
  'df',
  'ef bf',
  'f7 bf bf',
  'fb bf bf bf',
  'fd bf bf bf bf',
].map(hex);

/** Non-characters U+FFFE, U+FFFF and U+nFFFE, U+nFFFF of every plane: valid UTF-8. */
function nonCharacters(): Uint8Array[] {
  const out = [hex('ef bf be'), hex('ef bf bf')];
  for (const lead of [0xf0, 0xf1, 0xf2, 0xf3, 0xf4]) {
    for (const second of [0x8f, 0x9f, 0xaf, 0xbf]) {
      if (lead === 0xf4 && second !== 0x8f) continue; // beyond U+10FFFF
      for (const last of [0xbe, 0xbf]) {
        if (lead === 0xf0 && second === 0x8f) continue; // overlong
        out.push(Uint8Array.of(lead, second, 0xbf, last));
      }
    }
  }
  return out;
}

/** The groups of cases 6.5 (index 0) to 6.23 (index 18). */
export const utf8Groups: readonly Utf8Group[] = [
  {
    title: 'Some valid UTF-8 sequences',
    sequences: [
      valid(utf8('hello$world')),
      valid(utf8('hello¢world')),
      valid(utf8('hello€world')),
      valid(utf8('hello𤭢world')),
      valid(KOSME),
    ],
  },
  {
    title: 'All prefixes of a valid UTF-8 string that contains multi-byte code points',
    sequences: Array.from({ length: KOSME.length }, (_, index) => {
      const prefix = KOSME.slice(0, index + 1);
      return [isValidUtf8(prefix), prefix] as const;
    }),
  },
  {
    title: 'First possible sequence of a certain length',
    sequences: ['00', 'c2 80', 'e0 a0 80', 'f0 90 80 80'].map((text) => valid(hex(text))),
  },
  {
    title: 'First possible sequence length 5/6 (invalid codepoints)',
    sequences: ['f8 88 80 80 80', 'fc 84 80 80 80 80'].map((text) => invalid(hex(text))),
  },
  {
    title: 'Last possible sequence of a certain length',
    sequences: ['7f', 'df bf', 'ef bf bf', 'f4 8f bf bf'].map((text) => valid(hex(text))),
  },
  {
    title: 'Last possible sequence length 4/5/6 (invalid codepoints)',
    sequences: ['f7 bf bf bf', 'fb bf bf bf bf', 'fd bf bf bf bf bf'].map((text) => invalid(hex(text))),
  },
  {
    title: 'Other boundary conditions',
    sequences: [
      valid(hex('ed 9f bf')),
      valid(hex('ee 80 80')),
      valid(hex('ef bf bd')),
      valid(hex('f4 8f bf bf')),
      invalid(hex('f4 90 80 80')),
    ],
  },
  {
    title: 'Unexpected continuation bytes',
    sequences: [
      ...['80', 'bf', '80 bf', '80 bf 80', '80 bf 80 bf', '80 bf 80 bf 80', '80 bf 80 bf 80 bf'].map(hex),
      range(0x80, 0xbf),
    ].map(invalid),
  },
  {
    title: 'Lonely start characters',
    sequences: [
      [0xc0, 0xdf],
      [0xe0, 0xef],
      [0xf0, 0xf7],
      [0xf8, 0xfb],
      [0xfc, 0xfd],
    ].map(([first, end]) => invalid(range(first!, end!, 0x20))),
  },
  { title: 'Sequences with last continuation byte missing', sequences: missingLast.map(invalid) },
  {
    title: 'Concatenation of incomplete sequences',
    sequences: [invalid(Uint8Array.from(missingLast.flatMap((part) => [...part])))],
  },
  { title: 'Impossible bytes', sequences: ['fe', 'ff', 'fe fe ff ff'].map((text) => invalid(hex(text))) },
  {
    title: 'Examples of an overlong ASCII character',
    sequences: ['c0 af', 'e0 80 af', 'f0 80 80 af', 'f8 80 80 80 af', 'fc 80 80 80 80 af'].map((text) =>
      invalid(hex(text)),
    ),
  },
  {
    title: 'Maximum overlong sequences',
    sequences: ['c1 bf', 'e0 9f bf', 'f0 8f bf bf', 'f8 87 bf bf bf', 'fc 83 bf bf bf bf'].map((text) =>
      invalid(hex(text)),
    ),
  },
  {
    title: 'Overlong representation of the NUL character',
    sequences: ['c0 80', 'e0 80 80', 'f0 80 80 80', 'f8 80 80 80 80', 'fc 80 80 80 80 80'].map((text) =>
      invalid(hex(text)),
    ),
  },
  {
    title: 'Single UTF-16 surrogates',
    sequences: ['ed a0 80', 'ed ad bf', 'ed ae 80', 'ed af bf', 'ed b0 80', 'ed be 80', 'ed bf bf'].map(
      (text) => invalid(hex(text)),
    ),
  },
  {
    title: 'Paired UTF-16 surrogates',
    sequences: [
      'ed a0 80 ed b0 80',
      'ed a0 80 ed bf bf',
      'ed ad bf ed b0 80',
      'ed ad bf ed bf bf',
      'ed ae 80 ed b0 80',
      'ed ae 80 ed bf bf',
      'ed af bf ed b0 80',
      'ed af bf ed bf bf',
    ].map((text) => invalid(hex(text))),
  },
  { title: 'Non-character code points (valid UTF-8)', sequences: nonCharacters().map(valid) },
  {
    title: 'Unicode specials (i.e. replacement char)',
    sequences: ['ef bf b9', 'ef bf ba', 'ef bf bb', 'ef bf bc', 'ef bf bd', 'ef bf be', 'ef bf bf'].map(
      (text) => valid(hex(text)),
    ),
  },
];

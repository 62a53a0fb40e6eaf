import {
  asciiLowerCase,
  isFieldValue,
  isToken,
  parseList,
  scanProtocol,
  scanToken,
  trimWhitespace,
} from './http-grammar.js';

/** What a {@link HeaderList} can be built from: another list, `[name, value]` pairs, or a record. */
export type HeaderInit =
  | HeaderList
  | Iterable<readonly [name: string, value: string]>
  | Readonly<Record<string, string | readonly string[]>>;

/**
 * Whether `value` is a {@link HeaderList}, also one from a duplicated copy of this package (checked
 * by shape, not by `instanceof`).
 */
export function isHeaderList(value: unknown): value is HeaderList {
  if (value instanceof HeaderList) return true;
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<keyof HeaderList, unknown>>;
  return (
    typeof candidate.getAll === 'function' &&
    typeof candidate.has === 'function' &&
    typeof candidate.getTokens === 'function' &&
    typeof (value as Iterable<unknown>)[Symbol.iterator] === 'function'
  );
}

/** One field line: its name as given, lower-cased, and its trimmed value. @internal */
export interface Field {
  readonly name: string;
  readonly lowerName: string;
  readonly value: string;
}

/**
 * The fields of a list, in order, for the serializer and {@link appendChecked}: read without copying
 * (changed through it only by {@link appendChecked}). Set by the static block of {@link HeaderList},
 * which reaches its private members.
 *
 * @internal
 */
export let fieldsOf: (list: HeaderList) => Field[];

/**
 * Appends a field the handshake itself built (a known name, a value it produced or a {@link HeaderList}
 * already checked and trimmed), without checking it again.
 *
 * @internal
 */
export function appendChecked(list: HeaderList, name: string, lowerName: string, value: string): void {
  fieldsOf(list).push({ name, lowerName, value });
}

/**
 * An ordered, case-insensitive multi-map of HTTP header fields, one entry per field line, like the
 * web `Headers` but keeping repeated fields apart and every byte of obs-text (values are ISO-8859-1
 * strings, one char per byte). Names such as `__proto__` are ordinary names.
 *
 * Every name must be a token and every value a valid field value: adding anything else (a CR or LF
 * that would inject a header, a NUL, a char above U+00FF) throws a `TypeError`. Values are trimmed of
 * surrounding spaces and tabs, as a parser would see them.
 */
export class HeaderList implements Iterable<[name: string, value: string]> {
  /**
   * The field lines in order. Lookups scan them: a head holds a few dozen fields at most (the
   * parser's default limit is 100), where a scan is as fast as a map and needs no second structure.
   */
  readonly #fields: Field[] = [];

  static {
    fieldsOf = (list) => list.#fields;
  }

  /** @param init fields to append, in order. */
  constructor(init?: HeaderInit) {
    if (init === undefined) return;
    // A HeaderList is one of these iterables: its pairs are arrays of two.
    if (typeof (init as Iterable<unknown>)[Symbol.iterator] === 'function') {
      for (const pair of init as Iterable<readonly [string, string]>) {
        if (!Array.isArray(pair) || pair.length !== 2) {
          throw new TypeError('HeaderList: each header must be a [name, value] pair');
        }
        this.append(pair[0], pair[1]);
      }
    } else if (typeof init === 'object' && init !== null) {
      for (const [name, value] of Object.entries(init as Record<string, string | readonly string[]>)) {
        if (Array.isArray(value)) for (const item of value) this.append(name, item);
        else this.append(name, value as string);
      }
    } else {
      throw new TypeError('HeaderList: expected a HeaderList, an iterable of pairs or a record');
    }
  }

  /**
   * A list from the flat `[name, value, name, value, …]` form that Node's `IncomingMessage.rawHeaders`
   * uses, keeping order, case and repeated fields.
   */
  static fromRawHeaders(rawHeaders: readonly string[]): HeaderList {
    if (rawHeaders.length % 2 !== 0) throw new TypeError('HeaderList.fromRawHeaders: odd number of items');
    const list = new HeaderList();
    for (let i = 0; i < rawHeaders.length; i += 2) list.append(rawHeaders[i]!, rawHeaders[i + 1]!);
    return list;
  }

  /** The number of field lines. */
  get size(): number {
    return this.#fields.length;
  }

  /** Adds a field line after the others. Throws `TypeError` for an invalid name or value. */
  append(name: string, value: string): this {
    if (typeof name !== 'string' || !isToken(name)) {
      throw new TypeError('HeaderList: a header name must be a non-empty token (RFC 9110 §5.1)');
    }
    if (typeof value !== 'string') throw new TypeError(`HeaderList: the value of ${name} must be a string`);
    const trimmed = trimWhitespace(value);
    if (!isFieldValue(trimmed)) {
      throw new TypeError(
        `HeaderList: the value of ${name} holds CR, LF or another control character, or a char above U+00FF`,
      );
    }
    this.#fields.push({ name, lowerName: asciiLowerCase(name), value: trimmed });
    return this;
  }

  /** Replaces every field line named `name` by one with `value`. */
  set(name: string, value: string): this {
    this.delete(name);
    return this.append(name, value);
  }

  /** Removes every field line named `name`; whether there was one. */
  delete(name: string): boolean {
    const lowerName = asciiLowerCase(name);
    const fields = this.#fields;
    let kept = 0;
    for (const field of fields) if (field.lowerName !== lowerName) fields[kept++] = field;
    const deleted = kept < fields.length;
    fields.length = kept;
    return deleted;
  }

  /** Whether a field named `name` is present (in any case). */
  has(name: string): boolean {
    const lowerName = asciiLowerCase(name);
    return this.#fields.some((field) => field.lowerName === lowerName);
  }

  /**
   * The value of `name`: repeated field lines joined with `", "` as RFC 9110 §5.3 combines them, or
   * `undefined` when absent.
   */
  get(name: string): string | undefined {
    const values = this.getAll(name);
    return values.length === 0 ? undefined : values.join(', ');
  }

  /** The value of each field line named `name`, in order (empty when absent). */
  getAll(name: string): string[] {
    const lowerName = asciiLowerCase(name);
    const values: string[] = [];
    for (const field of this.#fields) if (field.lowerName === lowerName) values.push(field.value);
    return values;
  }

  /** How many field lines are named `name`. */
  count(name: string): number {
    return this.getAll(name).length;
  }

  /**
   * The elements of `name` read as a comma-separated list of tokens (RFC 9110 §5.6.1) over all its
   * field lines, in their original case; empty elements are skipped. `[]` when absent, `null` when an
   * element is not a token. With `protocols`, elements may be `token/version` as in `Upgrade`.
   */
  getTokens(name: string, options?: { protocols?: boolean }): string[] | null {
    return parseList(this.getAll(name), options?.protocols ? scanProtocol : scanToken);
  }

  /**
   * Whether the token list `name` is well formed and holds `token`, compared ASCII
   * case-insensitively (e.g. `hasToken('connection', 'upgrade')`). `protocols` as in {@link getTokens}.
   */
  hasToken(name: string, token: string, options?: { protocols?: boolean }): boolean {
    const wantedToken = asciiLowerCase(token);
    const values = this.getAll(name);
    // The usual case (`Upgrade: websocket`, `Connection: Upgrade`): one field line that is exactly the
    // token, a well-formed list of one element, found without parsing the list.
    if (values.length === 1 && isToken(wantedToken) && asciiLowerCase(values[0]!) === wantedToken)
      return true;
    const tokens = parseList(values, options?.protocols ? scanProtocol : scanToken);
    return tokens?.some((element) => asciiLowerCase(element) === wantedToken) ?? false;
  }

  /** The distinct names, lower-cased, in order of first appearance. */
  names(): string[] {
    return [...new Set(this.#fields.map((field) => field.lowerName))];
  }

  /** Each field line as `[name, value]`, in order, with the name as it was given. */
  entries(): IterableIterator<[name: string, value: string]> {
    // An array's iterator, not a generator: serializing a head iterates this on every handshake.
    return this.#fields.map((field): [string, string] => [field.name, field.value])[Symbol.iterator]();
  }

  /** Same as {@link entries}. */
  [Symbol.iterator](): IterableIterator<[name: string, value: string]> {
    return this.entries();
  }
}

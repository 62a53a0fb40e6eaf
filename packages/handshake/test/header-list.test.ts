import { HeaderList } from '@wskit/handshake';
import { describe, expect, it } from 'vitest';
import { LINEAR_BUDGET_MS } from './linear-budget.js';

describe('HeaderList', () => {
  it('is a case-insensitive, ordered multi-map', () => {
    const headers = new HeaderList([
      ['Accept', 'a'],
      ['X-One', '1'],
      ['accept', 'b'],
    ]);
    expect(headers.get('ACCEPT')).toBe('a, b');
    expect(headers.getAll('Accept')).toEqual(['a', 'b']);
    expect(headers.count('accept')).toBe(2);
    expect(headers.size).toBe(3);
    expect(headers.names()).toEqual(['accept', 'x-one']);
    expect(headers.get('missing')).toBeUndefined();
    expect(headers.getAll('missing')).toEqual([]);
    headers.set('ACCEPT', 'c');
    expect([...headers]).toEqual([
      ['X-One', '1'],
      ['ACCEPT', 'c'],
    ]);
    expect(headers.delete('x-one')).toBe(true);
    expect(headers.delete('x-one')).toBe(false);
    expect(headers.has('X-ONE')).toBe(false);
  });

  it('builds from records, arrays of values, other lists and Node rawHeaders', () => {
    const fromRecord = new HeaderList({ 'Set-Cookie': ['a=1', 'b=2'], Host: 'x' });
    expect(fromRecord.getAll('set-cookie')).toEqual(['a=1', 'b=2']);
    expect([...new HeaderList(fromRecord)]).toEqual([...fromRecord]);
    const raw = HeaderList.fromRawHeaders(['Host', 'example.com', 'X-A', '1', 'x-a', '2']);
    expect(raw.get('x-a')).toBe('1, 2');
    expect(() => HeaderList.fromRawHeaders(['Host'])).toThrow(TypeError);
  });

  it('treats prototype names as ordinary names', () => {
    const headers = new HeaderList();
    headers.append('__proto__', 'a');
    headers.append('constructor', 'b');
    expect(headers.get('__proto__')).toBe('a');
    expect(headers.get('constructor')).toBe('b');
    expect(headers.has('toString')).toBe(false);
    expect(headers.get('hasOwnProperty')).toBeUndefined();
    const fromRecord = new HeaderList(JSON.parse('{"__proto__": "x"}'));
    expect(fromRecord.get('__proto__')).toBe('x');
  });

  it('refuses header injection and invalid names or values', () => {
    const headers = new HeaderList();
    expect(() => headers.append('X', 'a\r\nInjected: yes')).toThrow(TypeError);
    expect(() => headers.append('X', 'a\nb')).toThrow(TypeError);
    expect(() => headers.append('X', 'a\rb')).toThrow(TypeError);
    expect(() => headers.append('X', 'a\0b')).toThrow(TypeError);
    expect(() => headers.append('X', 'snowman \u2603')).toThrow(TypeError);
    expect(() => headers.append('X\r\nY', 'a')).toThrow(TypeError);
    expect(() => headers.append('X Y', 'a')).toThrow(TypeError);
    expect(() => headers.append('', 'a')).toThrow(TypeError);
    expect(() => headers.append('X', 1 as unknown as string)).toThrow(TypeError);
    expect(() => new HeaderList([['only-name']] as unknown as [string, string][])).toThrow(TypeError);
    expect(headers.size).toBe(0);
  });

  it('trims surrounding whitespace and keeps obs-text', () => {
    const headers = new HeaderList([['X', ' \tcaf\u00e9 \t']]);
    expect(headers.get('x')).toBe('caf\u00e9');
  });

  it('reads comma-separated token lists per RFC 9110 §5.6.1', () => {
    const headers = new HeaderList([
      ['Connection', 'keep-alive, ,Upgrade'],
      ['Connection', ',  close ,'],
      ['Upgrade', 'h2c, websocket/13, WebSocket'],
      ['Bad', 'a b'],
      ['Quoted', '"a"'],
    ]);
    expect(headers.getTokens('connection')).toEqual(['keep-alive', 'Upgrade', 'close']);
    expect(headers.hasToken('connection', 'UPGRADE')).toBe(true);
    expect(headers.getTokens('upgrade')).toBeNull();
    expect(headers.getTokens('upgrade', { protocols: true })).toEqual(['h2c', 'websocket/13', 'WebSocket']);
    expect(headers.hasToken('upgrade', 'websocket', { protocols: true })).toBe(true);
    expect(headers.getTokens('bad')).toBeNull();
    expect(headers.hasToken('bad', 'a')).toBe(false);
    expect(headers.getTokens('quoted')).toBeNull();
    expect(headers.getTokens('missing')).toEqual([]);
  });

  it('reads a list of many thousand commas and spaces in linear time', () => {
    const headers = new HeaderList([['X', `${' ,'.repeat(200_000)}a${', '.repeat(200_000)}`]]);
    const started = performance.now();
    expect(headers.getTokens('x')).toEqual(['a']);
    expect(performance.now() - started).toBeLessThan(LINEAR_BUDGET_MS);
  });
  it('answers hasToken the same whether one field line is the token or a list holds it', () => {
    const cases: Array<[values: string[], token: string, protocols: boolean]> = [
      [['websocket'], 'websocket', true],
      [['WebSocket'], 'websocket', true],
      [['Upgrade'], 'upgrade', false],
      [['keep-alive, Upgrade'], 'upgrade', false],
      [['Upgrade', 'close'], 'upgrade', false],
      [['Upgrade', 'bad token'], 'upgrade', false],
      [['websocket/13'], 'websocket/13', true],
      [['websocket/13'], 'websocket', true],
      [['upgradeX'], 'upgrade', false],
      [['up grade'], 'up grade', false],
    ];
    for (const [values, token, protocols] of cases) {
      const headers = new HeaderList(values.map((value) => ['X-List', value] as [string, string]));
      const tokens = headers.getTokens('x-list', { protocols });
      const expected = tokens?.some((element) => element.toLowerCase() === token.toLowerCase()) ?? false;
      expect(headers.hasToken('x-list', token, { protocols }), `${values.join(' | ')} ∋ ${token}`).toBe(
        expected,
      );
    }
  });
});

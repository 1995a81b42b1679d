import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  InputError,
  parseDuration,
  readBoolean,
  readChoice,
  readDocument,
  readDuration,
  readInteger,
  readLines,
  readList,
  readPairs,
  readRequired,
  readUrl,
} from '../../actions/lib/inputs.js';

const env = (values: Record<string, string>) => Object.fromEntries(Object.entries(values).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]));

describe('input readers', () => {
  test('required inputs name themselves', () => {
    expect(() => readRequired('app', {})).toThrow(new InputError('app', 'is required'));
    expect(readRequired('app', env({ app: '  backend \n' }))).toBe('backend');
  });

  test.each([
    ['true', true], ['True', true], ['TRUE', true], ['false', false], ['False', false], ['', true],
  ])('boolean %p → %p', (value, expected) => {
    expect(readBoolean('push', true, env({ push: value }))).toBe(expected);
  });

  test('a boolean that is neither says what is expected', () => {
    expect(() => readBoolean('verify', true, env({ verify: 'yes' }))).toThrow("Input 'verify' must be true or false");
  });

  test('integers with bounds', () => {
    expect(readInteger('attempts', 5, { min: 1 }, env({ attempts: '3' }))).toBe(3);
    expect(readInteger('attempts', 5, { min: 1 }, {})).toBe(5);
    expect(() => readInteger('attempts', 5, { min: 1, max: 10 }, env({ attempts: '0' }))).toThrow("Input 'attempts' must be a whole number from 1 to 10");
    expect(() => readInteger('attempts', 5, {}, env({ attempts: '2.5' }))).toThrow("Input 'attempts' must be a whole number");
  });

  test.each([
    ['250ms', 250], ['30s', 30_000], ['5m', 300_000], ['1h', 3_600_000], ['1m30s', 90_000], ['45', 45_000], ['1.5s', 1500],
  ])('duration %p → %p ms', (value, ms) => {
    expect(parseDuration('timeout', value)).toBe(ms);
  });

  test.each(['5 minutes', '10x', 'ms', '-1s', '1m 30s'])('duration %p is refused with the forms expected', (value) => {
    expect(() => readDuration('timeout', 1, env({ timeout: value }))).toThrow("Input 'timeout' must be a duration such as '250ms', '30s', '5m', '1h' or '1m30s'");
  });

  test.each(['600h', '99999999h', '2147484s', '9'.repeat(400), '596h31m24s'])('duration %p beyond the timer limit is one clear input error', (value) => {
    expect(() => readDuration('rollout-timeout', 1, env({ 'rollout-timeout': value }))).toThrow(
      new InputError('rollout-timeout', 'must be a duration of at most 596h31m23.647s'),
    );
  });

  test('the longest duration a timer can wait is accepted; an input may lower the bound', () => {
    expect(parseDuration('deadline', '596h31m23.647s')).toBe(2 ** 31 - 1);
    expect(parseDuration('deadline', '596h')).toBe(596 * 3_600_000);
    expect(() => readDuration('timeout', 1, env({ timeout: '2h' }), 3_600_000)).toThrow("Input 'timeout' must be a duration of at most 1h");
  });

  test('over-long values are one input error naming the input; documents may be longer', () => {
    const long = 'x'.repeat(100 * 1024);
    expect(() => readLines('stub-paths', env({ 'stub-paths': long }))).toThrow(new InputError('stub-paths', 'is too long: at most 16384 characters'));
    expect(() => readRequired('app', env({ app: long }))).toThrow("Input 'app' is too long: at most 16384 characters");
    expect(readRequired('payload', env({ payload: long }))).toHaveLength(long.length);
    expect(() => readRequired('payload', env({ payload: 'y'.repeat(1024 * 1024 + 1) }))).toThrow("Input 'payload' is too long: at most 1048576 characters");
  });

  test('lists split on commas and newlines; lines keep commas', () => {
    expect(readList('platforms', env({ platforms: 'linux/amd64, linux/arm64\nlinux/arm/v7,' }))).toEqual(['linux/amd64', 'linux/arm64', 'linux/arm/v7']);
    expect(readLines('paths', env({ paths: 'src/{a,b}/**\n\n  docs/** ' }))).toEqual(['src/{a,b}/**', 'docs/**']);
  });

  test('Key: value pairs keep colons in values and refuse lines without a key', () => {
    expect(readPairs('headers', ':', env({ headers: 'Authorization: Bearer a:b\nX-Env: prod' }))).toEqual([
      ['Authorization', 'Bearer a:b'],
      ['X-Env', 'prod'],
    ]);
    expect(() => readPairs('headers', ':', env({ headers: 'no separator' }))).toThrow("Input 'headers' must hold one 'Name: value' per line");
    expect(readPairs('build-args', '=', env({ 'build-args': 'A=1=2' }))).toEqual([['A', '1=2']]);
  });

  test('choices list what is allowed', () => {
    expect(readChoice('mode', ['deploy', 'promote'] as const, 'deploy', env({ mode: 'promote' }))).toBe('promote');
    expect(() => readChoice('mode', ['deploy', 'promote'] as const, 'deploy', env({ mode: 'yolo' }))).toThrow("Input 'mode' must be one of deploy, promote");
  });

  test('URLs must be absolute http(s), and the error never repeats the value', () => {
    expect(readUrl('api-url', env({ 'api-url': 'https://slack.com/api' }))?.host).toBe('slack.com');
    const secretish = 'hooks.example/T000/B000/XXXXXXXX';
    expect(() => readUrl('webhook-url', env({ 'webhook-url': secretish }))).toThrow("Input 'webhook-url' must be an absolute http or https URL");
    try {
      readUrl('webhook-url', env({ 'webhook-url': secretish }));
    } catch (error) {
      expect((error as Error).message).not.toContain('XXXXXXXX');
    }
  });

  test('documents: inline YAML, inline JSON, or a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'inputs-'));
    writeFileSync(join(dir, 'checks.yml'), '- url: /healthz\n');
    await expect(readDocument('checks', env({ checks: '- url: /a\n- url: /b' }))).resolves.toEqual([{ url: '/a' }, { url: '/b' }]);
    await expect(readDocument('checks', env({ checks: '[{"url": "/a"}]' }))).resolves.toEqual([{ url: '/a' }]);
    await expect(readDocument('checks', env({ checks: 'checks.yml' }), dir)).resolves.toEqual([{ url: '/healthz' }]);
    await expect(readDocument('checks', env({ checks: 'missing.yaml' }), dir)).rejects.toThrow("Input 'checks' names a file that does not exist: missing.yaml");
    await expect(readDocument('checks', env({ checks: '- a: [' }))).rejects.toThrow(/^Input 'checks' must be valid YAML or JSON \(inline YAML or JSON: /);
  });

  test('documents that look like JSON but are flow YAML, or neither, are still read as YAML', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'inputs-'));
    writeFileSync(join(dir, 'checks.json'), ' [{"url": "/a", "expect-status": 200}, {"url": "/b"}]\n');
    await expect(readDocument('checks', env({ checks: 'checks.json' }), dir)).resolves.toEqual([{ url: '/a', 'expect-status': 200 }, { url: '/b' }]);
    await expect(readDocument('checks', env({ checks: '[{url: /a}, {url: /b, name: b}]' }))).resolves.toEqual([{ url: '/a' }, { url: '/b', name: 'b' }]);
    await expect(readDocument('checks', env({ checks: '{a: 1, "b": [x, 2]}' }))).resolves.toEqual({ a: 1, b: ['x', 2] });
    await expect(readDocument('checks', env({ checks: '[{"url": "/a"' }))).rejects.toThrow(/^Input 'checks' must be valid YAML or JSON \(inline YAML or JSON: /);
  });
});

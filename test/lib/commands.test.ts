import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setOutput } from '../../actions/lib/commands.js';
import { parseKeyValueFile } from '../../runner/index.js';

describe('setOutput', () => {
  let dir: string;
  let file: string;
  const saved = process.env.GITHUB_OUTPUT;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'commands-'));
    file = join(dir, 'output');
    writeFileSync(file, '');
    process.env.GITHUB_OUTPUT = file;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.GITHUB_OUTPUT;
    else process.env.GITHUB_OUTPUT = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  test('writes each output as a block with its own random UUID v4 delimiter, as @actions/core does', () => {
    setOutput('report', 'line one\nline two');
    setOutput('count', 3);
    setOutput('empty', undefined);
    const text = readFileSync(file, 'utf8');
    const delimiters = [...text.matchAll(/^[a-z]+<<(.*)$/gm)].map((match) => match[1]);
    expect(delimiters).toHaveLength(3);
    for (const delimiter of delimiters) expect(delimiter).toMatch(/^ghadelimiter_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(delimiters).size).toBe(3);
    // The runner's reader of GITHUB_OUTPUT gets the values back.
    expect(parseKeyValueFile(text)).toEqual({ report: 'line one\nline two', count: '3', empty: '' });
  });

  test('a thousand delimiters are all different', () => {
    for (let i = 0; i < 1000; i++) setOutput('n', i);
    const delimiters = readFileSync(file, 'utf8').match(/ghadelimiter_[0-9a-f-]+/g) ?? [];
    expect(delimiters).toHaveLength(2000); // each opens and closes its block
    expect(new Set(delimiters).size).toBe(1000);
  });
});

import { RegexSandbox, RegexTimeout } from '../../actions/lib/regex-sandbox.js';

const hostile = `${'a'.repeat(40)}!`;

test('a backtracking regex is stopped at its time limit, and the next search runs in a new worker', async () => {
  const sandbox = new RegexSandbox(500);
  try {
    const started = performance.now();
    await expect(sandbox.matchLines(/(a+)+$/, `fine\n${hostile}`)).rejects.toThrow(new RegexTimeout("/(a+)+$/", 500));
    expect(performance.now() - started).toBeLessThan(5000);
    expect(await sandbox.matchLines(/TODO/, 'a\nx TODO\nTODO TODO')).toEqual([{ line: 1, index: 2 }, { line: 2, index: 0 }]);
    expect(await sandbox.test(/ok v\d/i, 'OK V3')).toBe(true);
    expect(await sandbox.test(/^x$/, 'y')).toBe(false);
  } finally {
    sandbox.close();
  }
});

test('flags are kept, global and sticky ones dropped (they would carry state between lines)', async () => {
  const sandbox = new RegexSandbox();
  try {
    expect(await sandbox.matchLines(/coming soon/gi, 'Coming Soon\ncoming soon')).toEqual([{ line: 0, index: 0 }, { line: 1, index: 0 }]);
  } finally {
    sandbox.close();
  }
});

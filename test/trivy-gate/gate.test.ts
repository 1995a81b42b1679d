/** The gate over files (through an in-memory GateFiles): what is read, how often, and which errors name which input. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { trivyFixtures } from '../harness.js';
import { readInputs } from '../../actions/trivy-gate/config.js';
import { prepareGate, runGate, type GateFiles } from '../../actions/trivy-gate/gate.js';

const NOW = new Date('2026-03-01T12:00:00Z');
const fixture = (name: string) => readFileSync(join(trivyFixtures, name), 'utf8');

function memoryFiles(contents: Record<string, string>) {
  const reads: string[] = [];
  const written: Record<string, string> = {};
  const files: GateFiles = {
    readText: (path) => {
      reads.push(path);
      if (!(path in contents)) throw Object.assign(new Error('missing'), { code: 'ENOENT' });
      return contents[path];
    },
    // Each piece copied as it comes: its buffer is filled again for the next.
    writeChunks: async (path, chunks) => void (written[path] = Buffer.concat(Array.from(chunks, (piece) => Buffer.from(piece))).toString('utf8')),
    exists: (path) => path in contents,
    glob: (pattern) => {
      const re = new RegExp(`^${pattern.replace(/\./g, '\\.').replace(/\*/g, '[^/]*')}$`);
      return Object.keys(contents).map((path) => path.slice('/ws/'.length)).filter((path) => re.test(path));
    },
  };
  return { files, reads, written };
}

const inputs = (env: Record<string, string>) => readInputs({ 'INPUT_SEVERITY': 'CRITICAL,HIGH', 'INPUT_EXPIRY-WARNING-DAYS': '14', ...env });

test('each file is read once; both default ignore files apply when both exist; the baseline is left out of a glob', async () => {
  const { files, reads } = memoryFiles({
    '/ws/r/alpine.json': fixture('alpine-39.json'),
    '/ws/r/baseline.json': fixture('alpine-39-high-critical.json'),
    '/ws/.trivyignore': 'CVE-2019-1549\n',
    '/ws/.trivyignore.yaml': 'vulnerabilities:\n  - id: CVE-2019-1551\n',
  });
  const given = inputs({ INPUT_REPORT: 'r/*.json', INPUT_BASELINE: 'r/baseline.json' });
  const result = await runGate(await prepareGate(given, '/ws', files), given.reports, NOW);
  expect(result.sources).toEqual(['r/alpine.json']);
  expect(result.ignoreFiles).toEqual(['.trivyignore', '.trivyignore.yaml']);
  expect([result.verdict.ignored.length, result.verdict.passed, result.verdict.inBaseline]).toEqual([4, true, 2]);
  expect([...reads].sort()).toEqual(['/ws/.trivyignore', '/ws/.trivyignore.yaml', '/ws/r/alpine.json', '/ws/r/baseline.json']);
});

test.each([
  [{ INPUT_REPORT: 'missing.json' }, "Input 'report' matches no file: missing.json"],
  [{ INPUT_REPORT: 'r.json', 'INPUT_IGNORE-FILE': 'nope.yaml' }, "Input 'ignore-file' names a file that does not exist: nope.yaml"],
  [{ INPUT_REPORT: 'r.json', INPUT_BASELINE: 'old.json' }, "Input 'baseline' names a file that does not exist: old.json"],
  [{ INPUT_REPORT: 'r.json', INPUT_BASELINE: 'r.json' }, "Input 'report' matches only the baseline report"],
])('%j → %s', async (env, message) => {
  const { files } = memoryFiles({ '/ws/r.json': fixture('npm.json') });
  const given = inputs(env);
  // prepareGate rejects (ignore file, baseline), runGate rejects (reports).
  await expect((async () => runGate(await prepareGate(given, '/ws', files), given.reports, NOW))()).rejects.toThrow(message);
});

test('SARIF is written where asked and its path returned', async () => {
  const { files, written } = memoryFiles({ '/ws/r.json': fixture('pip.json') });
  const given = inputs({ INPUT_REPORT: 'r.json', INPUT_SARIF: 'out/trivy.sarif' });
  const result = await runGate(await prepareGate(given, '/ws', files), given.reports, NOW);
  expect(result.sarifPath).toBe('/ws/out/trivy.sarif');
  expect(JSON.parse(written['/ws/out/trivy.sarif']).runs[0].results).toHaveLength(2);
});

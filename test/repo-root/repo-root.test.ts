/**
 * The repository is self-contained: nothing under test/, bench/, cli/ or scripts/ reaches a path
 * above the repository root (a fresh clone has nothing beside it). Temporary folders and the user's
 * tool cache are fine.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from '../harness.js';
import { findEscapes } from './escapes.js';

const CHECKED = ['test', 'bench', 'cli', 'scripts'];
const CODE = /\.(?:[cm]?ts|[cm]?js)$/;
// The checker and its cases name such paths on purpose.
const OWN_FOLDER = join(repoRoot, 'test', 'repo-root');

function codeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || path === OWN_FOLDER ? [] : codeFiles(path);
    return CODE.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

test('no file under test/, bench/, cli/ or scripts/ resolves a path above the repository root', () => {
  const files = CHECKED.flatMap((dir) => codeFiles(join(repoRoot, dir)));
  expect(files.length).toBeGreaterThan(50);
  const found = files.flatMap((file) => {
    const name = relative(repoRoot, file).split('\\').join('/');
    return findEscapes(name, readFileSync(file, 'utf8')).map((e) => `${name}:${e.line}: ${e.text}`);
  });
  expect(found).toEqual([]);
});

describe('findEscapes', () => {
  const escapes = (file: string, source: string) => findEscapes(file, source).map((e) => e.line);

  test.each([
    ['resolve(root, "..", "x") with root unbound', 'test/x.test.ts', "const p = resolve(root, '..', 'x');"],
    ['the old harness: a shared folder beside the clone', 'test/harness.ts', "export const repoRoot = resolve(import.meta.dirname, '..');\nexport const sharedDir = resolve(repoRoot, '..', 'shared');"],
    ['join from a root bound in the file', 'scripts/a.ts', "const root = resolve(import.meta.dirname, '..');\nconst p = join(root, '../shared/x.json');"],
    ['climbing from the file folder', 'bench/b.ts', "readFileSync(resolve(import.meta.dirname, '../../shared/trivy.json'));"],
    ['__dirname', 'scripts/c.cjs', "fs.readFileSync(path.join(__dirname, '..', '..', 'x'));"],
    ['a URL from import.meta.url', 'test/d.ts', "readFileSync(new URL('../../x.json', import.meta.url));"],
    ['dirname(fileURLToPath(import.meta.url))', 'cli/e.ts', "const here = dirname(fileURLToPath(import.meta.url));\nconst x = join(here, '..', '..', 'y');"],
    ['a loose relative string (the working directory is the root)', 'test/f.test.ts', "readFileSync('../shared/report.json');"],
    ['process.cwd()', 'test/g.test.ts', "const p = resolve(process.cwd(), '..');"],
    ['a template string', 'test/h.test.ts', 'const p = `${repoRoot}/../shared/x`;'],
    ['a concatenation', 'test/i.test.ts', "const p = repoRoot + '/../shared';"],
    ['an import from above the root', 'test/j.test.ts', "import { x } from '../../outside/x.js';"],
    ['a dynamic import from above the root', 'test/k/l.test.ts', "const m = await import('../../../x.js');"],
  ])('catches %s', (_name, file, source) => {
    expect(escapes(file, source).length).toBeGreaterThan(0);
  });

  test('names the line', () => {
    expect(findEscapes('test/x.test.ts', "import { a } from 'a';\n\nconst p = resolve(root, '..', 'x');\n")).toEqual([{ line: 3, text: "const p = resolve(root, '..', 'x');" }]);
  });

  test.each([
    ['the repository root from a file folder', 'scripts/workflow-lint/cli.ts', "const root = resolve(import.meta.dirname, '..', '..');"],
    ['imports inside the repository', 'test/aws/fixtures/entry/index.ts', "await import('../../../../actions/lib/aws/credentials.js');\nimport { a } from '../../harness.js';"],
    ['a climb that stays inside', 'test/kube/strict.test.ts', "const repo = resolve(import.meta.dirname, '../..');\nconst p = join(repo, 'test', '..', 'dist');"],
    ['a temporary folder', 'test/m.test.ts', "const dir = mkdtempSync(join(tmpdir(), 'x-'));\nmkdirSync(join(dir, name, '..'), { recursive: true });\nconst up = resolve(dir, '..');"],
    ['the user tool cache', 'scripts/n.ts', "const cache = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'sunday-actions', '..', 'other');"],
    ['an absolute path', 'test/o.test.ts', "const p = resolve('/tmp', '..');"],
    ['a string with .. inside a name', 'test/p.test.ts', "const s = 'wait...'; const range = 'a..b';"],
    ['a comparison with ..', 'test/r.test.ts', "if (segment === '..') up++;\nswitch (s) { case '..': break; }"],
    ['a line that says it is allowed', 'test/q.test.ts', "// repo-root: allowed (path-traversal input)\nconst input = '../../etc/passwd';"],
  ])('accepts %s', (_name, file, source) => {
    expect(escapes(file, source)).toEqual([]);
  });
});

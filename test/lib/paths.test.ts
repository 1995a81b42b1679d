import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkPathText, resolveWritablePath } from '../../actions/lib/paths.js';
import { InputError } from '../../actions/lib/inputs.js';

let root: string;
let workspace: string;
let runnerTemp: string;
let outside: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'paths-test-'));
  workspace = join(root, 'workspace');
  runnerTemp = join(root, 'runner-temp');
  outside = join(root, 'outside');
  for (const dir of [workspace, runnerTemp, outside]) mkdirSync(dir);
  symlinkSync(outside, join(workspace, 'link-out'));
  symlinkSync(join(runnerTemp), join(workspace, 'link-temp'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const roots = () => ({ workspace, runnerTemp });
const refused = (value: string) => new InputError('sarif', `must name a file inside the workspace or RUNNER_TEMP (${value} is outside both)`);

test.each(['trivy.sarif', 'out/deep/trivy.sarif', './a/../b.sarif', 'link-temp/x.sarif'])('%p inside the workspace (or a link into RUNNER_TEMP) is allowed', (value) => {
  expect(resolveWritablePath('sarif', value, roots())).toBe(join(workspace, value));
});

test('an absolute path under RUNNER_TEMP is allowed', () => {
  expect(resolveWritablePath('sarif', join(runnerTemp, 'x/y.sarif'), roots())).toBe(join(runnerTemp, 'x/y.sarif'));
});

// repo-root: allowed — paths the rule under test must refuse
test.each(['../../etc/passwd', '/etc/passwd', '../outside/x.sarif', 'link-out/x.sarif', 'link-out/new/dir/x.sarif', '.', ''])('%p outside both is an input error', (value) => {
  expect(() => resolveWritablePath('sarif', value, roots())).toThrow(refused(value));
});

test('RUNNER_TEMP unset: only the workspace', () => {
  expect(() => resolveWritablePath('sarif', join(runnerTemp, 'x.sarif'), { workspace })).toThrow(InputError);
});

test.each([
  ['a'.repeat(5000), "Input 'report' must be a path of at most 4096 characters"],
  [`dir/${'b'.repeat(256)}`, "Input 'report' must be a path whose every file or folder name has at most 255 bytes"],
  ['a\0b', "Input 'report' must be a path without NUL bytes"],
])('a path no file system takes names the input', (value, message) => {
  expect(() => checkPathText('report', value)).toThrow(message);
});

/**
 * The fixture Sunday repository the workflow runs use, made in a temporary folder: two small Node
 * apps (backend, frontend) with tests, lint and a type check, a CHANGELOG, Dockerfiles made only of
 * `FROM scratch` and `COPY` (nothing to pull, nothing to run), kustomize overlays k8s/staging and
 * k8s/production, an e2e project, and the suite's starter templates copied into .github/workflows
 * as GitHub copies them (`$default-branch` becomes `main`). Tags v1.0.0 and v1.1.0.
 *
 * The "git host" is a bare repository at <dir>/git-host/sunday/app: act reads the repository's
 * name from the work tree's `origin` (https://github.com/sunday/app), and the checkout stand-in
 * clones `$GITHUB_SERVER_URL/sunday/app`, which GIT_CONFIG_GLOBAL's `insteadOf` sends there.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { repoRoot } from '../harness.js';

export const FIXTURE_REPOSITORY = 'sunday/app';
export const SERVER_URL = 'https://github.com';

export interface FixtureRepo {
  /** The work tree act runs in. */
  dir: string;
  /** GIT_CONFIG_GLOBAL for the steps: clones of https://github.com/ go to the local git host. */
  gitConfig: string;
  /** Commit SHAs by name: v1.0.0, v1.1.0 (main), feature (the pull request's head). */
  sha: Record<'v1.0.0' | 'v1.1.0' | 'feature', string>;
  /** Checks out a commit or branch in the work tree (act reads HEAD for github.sha). */
  checkout(ref: string): void;
}

export const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

function write(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

/** A starter template as "Actions → New workflow" commits it. */
export function templateAsCopied(name: 'sunday-ci' | 'sunday-cd' | 'sunday-e2e'): string {
  return readFileSync(join(repoRoot, 'workflow-templates', `${name}.yml`), 'utf8').replaceAll('$default-branch', 'main');
}

function nodeApp(app: string, version: string, answer: string): Record<string, string> {
  const pkg = {
    name: app,
    version,
    private: true,
    type: 'module',
    scripts: {
      lint: 'node --check src/server.js && node --check test/server.test.js',
      typecheck: 'node scripts/typecheck.js',
      // JUnit beside the console output, where ci.yml's summary looks for it.
      test: 'node --test --test-reporter=spec --test-reporter-destination=stdout --test-reporter=junit --test-reporter-destination=test-results/junit.xml',
    },
  };
  const lock = { name: app, version, lockfileVersion: 3, requires: true, packages: { '': { name: app, version } } };
  return {
    [`${app}/package.json`]: JSON.stringify(pkg, null, 2) + '\n',
    [`${app}/package-lock.json`]: JSON.stringify(lock, null, 2) + '\n',
    [`${app}/src/server.js`]: `export const version = '${version}';\nexport function answer(path) {\n  return path === '/health' ? 'ok' : '${answer}';\n}\n`,
    [`${app}/test/server.test.js`]: `import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { answer } from '../src/server.js';\n\ntest('health answers ok', () => assert.equal(answer('/health'), 'ok'));\ntest('root answers', () => assert.equal(answer('/'), '${answer}'));\n`,
    [`${app}/scripts/typecheck.js`]: `// The fixture's type check: every export of src/server.js has the type it promises.\nimport * as server from '../src/server.js';\nif (typeof server.version !== 'string' || typeof server.answer !== 'function') process.exit(1);\n`,
    [`${app}/Dockerfile`]: 'FROM scratch\nCOPY package.json /app/package.json\nCOPY src /app/src\n',
  };
}

const deployment = (app: string, port: number) => `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${app}, labels: { app: ${app} } }
spec:
  replicas: 2
  selector: { matchLabels: { app: ${app} } }
  template:
    metadata: { labels: { app: ${app} } }
    spec:
      containers:
      - name: ${app}
        image: sunday/${app}:placeholder
        ports: [ { containerPort: ${port} } ]
---
apiVersion: v1
kind: Service
metadata: { name: ${app}, labels: { app: ${app} } }
spec: { selector: { app: ${app} }, ports: [ { name: http, port: 80, targetPort: ${port} } ] }
`;

const overlay = (environment: string) => `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: sunday-${environment}
resources: [ ../base ]
labels:
  - pairs: { environment: ${environment} }
`;

function changelog(versions: string[]): string {
  const notes: Record<string, string> = { '1.0.0': 'Boards and items.', '1.1.0': 'Automations on boards.' };
  return `# Changelog\n\n${versions.map((v, i) => `## [${v}] - 2026-11-${10 + versions.length - i}\n\n- ${notes[v]}\n`).join('\n')}`;
}

/**
 * The e2e project e2e.yml runs: four tiny Playwright tests (one per shard of the template's four)
 * against E2E_BASE_URL, launching the Chromium named by PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH when
 * set, and a k6 script with thresholds. Nothing can be downloaded here, so @playwright/test and
 * its two dependencies are the suite's own copies, packed by `npm pack` into e2e/vendor/ and
 * committed with the fixture, with a lockfile written by npm, offline.
 */
function e2eProject(): Record<string, string> {
  const vendored = (name: string) => `file:vendor/${tarballName(name)}`;
  const pkg = {
    name: 'e2e',
    private: true,
    type: 'module',
    devDependencies: { '@playwright/test': vendored('@playwright/test') },
    overrides: { playwright: vendored('playwright'), 'playwright-core': vendored('playwright-core') },
  };
  const tests = ['/ok', '/healthz', '/json', '/redirect'].map(
    (path) => `test('GET ${path} answers', async ({ page }) => {\n  const response = await page.goto('${path}');\n  expect(response?.status()).toBe(200);\n  await expect(page.locator('body')).toContainText(/ok|first/);\n});\n`,
  );
  return {
    'e2e/package.json': JSON.stringify(pkg, null, 2) + '\n',
    'e2e/playwright.config.js': `import { defineConfig } from '@playwright/test';

// On runners that cannot download browsers, e2e.yml's chromium-path hands in an installed Chromium.
const executablePath = process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH || undefined;

export default defineConfig({
  testDir: 'tests',
  fullyParallel: true,
  retries: 0,
  use: {
    baseURL: process.env.BASE_URL,
    launchOptions: executablePath
      ? { executablePath, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] }
      : {},
  },
});
`,
    'e2e/tests/pages.spec.js': `import { test, expect } from '@playwright/test';\n\n${tests.join('\n')}`,
    'e2e/k6/load-test.js': `import http from 'k6/http';
import { check } from 'k6';

export const options = {
  iterations: 10,
  thresholds: { http_req_failed: ['rate<0.01'], http_req_duration: ['p(95)<2000'], checks: ['rate==1'] },
};

export default function () {
  const response = http.get(\`\${__ENV.BASE_URL}/ok\`);
  check(response, { 'status is 200': (r) => r.status === 200 });
}
`,
  };
}

function release(version: string, previous: string[]): Record<string, string> {
  return {
    ...e2eProject(),
    ...nodeApp('backend', version, `backend ${version}`),
    ...nodeApp('frontend', version, `frontend ${version}`),
    'CHANGELOG.md': changelog([version, ...previous]),
    'k8s/base/kustomization.yaml': 'resources: [ backend.yaml, frontend.yaml ]\n',
    'k8s/base/backend.yaml': deployment('backend', 3000),
    'k8s/base/frontend.yaml': deployment('frontend', 8080),
    'k8s/staging/kustomization.yaml': overlay('staging'),
    'k8s/production/kustomization.yaml': overlay('production'),
    '.github/workflows/ci.yml': templateAsCopied('sunday-ci'),
    '.github/workflows/cd.yml': templateAsCopied('sunday-cd'),
    '.github/workflows/e2e.yml': templateAsCopied('sunday-e2e'),
    '.gitignore': 'node_modules/\ntest-results/\n',
  };
}

const PLAYWRIGHT_PACKAGES = ['@playwright/test', 'playwright', 'playwright-core'];
const playwrightVersion = () => JSON.parse(readFileSync(join(repoRoot, 'node_modules', '@playwright', 'test', 'package.json'), 'utf8')).version as string;
/** `npm pack`'s file name: @playwright/test 1.65.2 → playwright-test-1.65.2.tgz. */
const tarballName = (name: string) => `${name.replace(/^@/, '').replace('/', '-')}-${playwrightVersion()}.tgz`;

/**
 * Packs the suite's installed Playwright packages into `dir` as `npm pack` would (a gzipped tar
 * of the package folder under `package/`), with tar: npm pack takes seconds per package here.
 */
function packPlaywright(dir: string): string {
  mkdirSync(dir, { recursive: true });
  for (const name of PLAYWRIGHT_PACKAGES) {
    execFileSync('tar', ['-czf', join(dir, tarballName(name)), '-C', join(repoRoot, 'node_modules', name), '--transform', 's,^\\.,package,', '.'], { stdio: 'ignore' });
  }
  return dir;
}

/** package-lock.json for a project whose dependencies are all local (`file:`): nothing is fetched. */
function lockOffline(project: string): string {
  execFileSync('npm', ['install', '--package-lock-only', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: project, stdio: 'ignore' });
  return readFileSync(join(project, 'package-lock.json'), 'utf8');
}

export function makeFixtureRepo(root: string, extra: Record<string, string> = {}): FixtureRepo {
  const dir = join(root, 'app');
  const vendor = packPlaywright(join(root, 'vendor'));
  const host = join(root, 'git-host', FIXTURE_REPOSITORY);
  mkdirSync(dir, { recursive: true });
  mkdirSync(host, { recursive: true });
  git(host, 'init', '-q', '--bare', '-b', 'main');
  // GitHub serves any commit of the repository by SHA, as actions/checkout fetches it.
  git(host, 'config', 'uploadpack.allowAnySHA1InWant', 'true');
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.email', 'dev@sunday.example');
  git(dir, 'config', 'user.name', 'Sunday Dev');
  git(dir, 'remote', 'add', 'origin', `${SERVER_URL}/${FIXTURE_REPOSITORY}`);
  let e2eLock = '';
  const commit = (files: Record<string, string>, message: string, tag?: string) => {
    write(dir, files);
    if (files['e2e/package.json']) {
      mkdirSync(join(dir, 'e2e', 'vendor'), { recursive: true });
      for (const name of PLAYWRIGHT_PACKAGES) copyFileSync(join(vendor, tarballName(name)), join(dir, 'e2e', 'vendor', tarballName(name)));
      // Both releases have the same e2e package.json: npm writes its lockfile once.
      if (e2eLock) writeFileSync(join(dir, 'e2e', 'package-lock.json'), e2eLock);
      else e2eLock = lockOffline(join(dir, 'e2e'));
    }
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', message);
    if (tag) git(dir, 'tag', '-a', tag, '-m', `Release ${tag}`);
    return git(dir, 'rev-parse', 'HEAD');
  };
  const sha = {
    'v1.0.0': commit(release('1.0.0', []), 'Release 1.0.0', 'v1.0.0'),
    'v1.1.0': commit({ ...release('1.1.0', ['1.0.0']), ...extra }, 'Release 1.1.0', 'v1.1.0'),
    feature: '',
  };
  git(dir, 'checkout', '-q', '-b', 'feature/search');
  sha.feature = commit({ 'backend/src/search.js': 'export const search = (items, q) => items.filter((i) => i.includes(q));\n' }, 'Search');
  git(dir, 'checkout', '-q', 'main');

  const gitConfig = join(root, 'gitconfig');
  writeFileSync(gitConfig, `[url "file://${join(root, 'git-host')}/"]\n\tinsteadOf = ${SERVER_URL}/\n[user]\n\temail = ci@sunday.example\n\tname = CI\n`);
  execFileSync('git', ['push', '-q', `file://${host}`, 'main', 'feature/search', '--tags'], { cwd: dir, stdio: 'ignore' });
  return { dir, gitConfig, sha, checkout: (ref) => git(dir, 'checkout', '-q', ref) };
}

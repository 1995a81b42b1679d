/**
 * The one interface both builders implement, and the choice between them. `auto` takes buildx when
 * a Docker daemon answers `docker version` and `docker buildx version` works, else buildah (with a
 * notice saying why), else fails naming both.
 */
import type { Sleep } from '../lib/retry.js';
import type { Exec } from './exec.js';
import type { BuilderChoice, BuilderName, BuilderOptions, Credentials } from './inputs.js';
import type { BuildPlan } from './plan.js';

export interface BuildOutcome {
  /** The pushed list's digest as the builder reports it (the registry's is read afterwards). */
  digest?: string;
  /** What the builder reports about the build (buildx: its --metadata-file). */
  metadata: Record<string, unknown>;
}

export interface Builder {
  name: BuilderName;
  login(registry: string, credentials: Credentials): Promise<void>;
  /** Forgets the credentials of a registry logged in to; never throws (it runs on every exit path). */
  logout(registry: string): Promise<void>;
  /** Builds every platform and, when the plan says so, pushes every reference. */
  build(plan: BuildPlan, options: BuilderOptions): Promise<BuildOutcome>;
}

export interface BuilderDeps {
  exec: Exec;
  sleep: Sleep;
  info: (line: string) => void;
  warning: (line: string) => void;
  /** A private folder for the build's files (metadata file, digest file, buildah's auth file). */
  tempDir: string;
  /** Told of each registry logged in to, before the login, so a signal handler can log out. */
  onLogin?: (builder: BuilderName, registry: string) => void;
}

export interface Probe {
  ok: boolean;
  /** Why not, when not ok. */
  reason?: string;
}

export interface Probes {
  /** `docker version`: the daemon answers. */
  dockerDaemon(): Promise<Probe>;
  /** `docker buildx version` */
  buildx(): Promise<Probe>;
  /** `buildah --version` */
  buildah(): Promise<Probe>;
}

export interface BuilderChoiceResult {
  name: BuilderName;
  /** Said to the user when auto did not take buildx. */
  notice?: string;
}

export async function chooseBuilder(choice: BuilderChoice, probes: Probes): Promise<BuilderChoiceResult> {
  if (choice === 'buildah') {
    const buildah = await probes.buildah();
    if (!buildah.ok) throw new Error(`builder is buildah, but buildah cannot run here: ${buildah.reason}`);
    return { name: 'buildah' };
  }
  if (choice === 'buildx') {
    const buildx = await probes.buildx();
    if (!buildx.ok) throw new Error(`builder is buildx, but \`docker buildx version\` failed (${buildx.reason}). Add docker/setup-buildx-action before this step, or use builder: buildah`);
    return { name: 'buildx' };
  }
  const daemon = await probes.dockerDaemon();
  const buildx = daemon.ok ? await probes.buildx() : undefined;
  if (daemon.ok && buildx?.ok) return { name: 'buildx' };
  const whyNotBuildx = daemon.ok ? `a Docker daemon answers but \`docker buildx version\` failed (${buildx?.reason})` : `no Docker daemon answers \`docker version\` (${daemon.reason})`;
  const buildah = await probes.buildah();
  if (buildah.ok) return { name: 'buildah', notice: `Building with buildah: ${whyNotBuildx}.` };
  throw new Error(
    `No builder can run here: buildx needs a Docker daemon and the buildx plugin, but ${whyNotBuildx}; ` +
      `and buildah is not usable (${buildah.reason}). Install buildx (docker/setup-buildx-action) or buildah.`,
  );
}

/** The probes, as commands (quiet: their output is only a reason). */
export function commandProbes(exec: Exec): Probes {
  const probe = async (command: string, args: string[]): Promise<Probe> => {
    const result = await exec(command, args, { stream: false, timeoutMs: 20_000 });
    // The first line says what is wrong (`docker: 'buildx' is not a docker command.`); the last is usually a hint.
    const firstLine = result.output.split('\n').find((line) => line.trim())?.trim();
    return result.code === 0 ? { ok: true } : { ok: false, reason: firstLine ?? `exit code ${result.code}` };
  };
  return {
    dockerDaemon: () => probe('docker', ['version', '--format', '{{.Server.Version}}']),
    buildx: () => probe('docker', ['buildx', 'version']),
    buildah: () => probe('buildah', ['--version']),
  };
}

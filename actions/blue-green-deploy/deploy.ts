/**
 * The five modes. Every failure before the switch leaves traffic where it was; every failure
 * after it switches back. The outcome always says which colour the stable Service selects at the
 * end, whatever happened.
 */
import { createHash } from 'node:crypto';
import { runChecks, type CheckRun } from '../lib/checks.js';
import type { Check } from '../lib/check-spec.js';
import { sleep as realSleep, type Sleep } from '../lib/retry.js';
import type { BlueGreenInputs } from './inputs.js';
import { runPreDeployJob } from './job.js';
import type { Cluster } from './kube.js';
import { acquireLock, type Lock } from './lock.js';
import { classify, loadManifests, type AppManifests } from './manifests.js';
import { pinnedSelector } from './migration.js';
import {
  ANNOTATIONS,
  APP_LABEL,
  COLOR_LABEL,
  POD_TEMPLATE_HASH,
  baseSelector,
  cleanForApply,
  colorSelector,
  coloredDeployment,
  coloredHpa,
  coloredPdb,
  deploymentImage,
  deploymentName,
  planColors,
  previewService,
  selectedColor,
  type Color,
  type KubeObject,
} from './model.js';
import { isAvailable, scaleDeployment, waitAvailable } from './rollout.js';
import { Timeline } from './timeline.js';
import { auditAnnotations, restoreAnnotations, switchTraffic, type RunInfo } from './traffic.js';

export interface DeployEnvironment {
  cluster: Cluster;
  inputs: BlueGreenInputs;
  run: RunInfo;
  /** Lock holder identity: unique per run and process. */
  holder: string;
  cwd: string;
  log: (line: string) => void;
  notice: (line: string) => void;
  sleep?: Sleep;
}

export interface Outcome {
  activeColor: string;
  previousColor: string;
  promoted: boolean;
  rolledBack: boolean;
  deployment: string;
  image: string;
  timeline: Timeline;
  notes: string[];
  /** Why the run failed; undefined when it did what was asked. */
  failure?: string;
  checkRuns: Array<{ label: string; run: CheckRun }>;
}

/** Attempts and waits of the gate's checks: enough to ride out a slow first answer, short enough to fail fast. */
const CHECK_POLICY = { attempts: 3, retryDelayMs: 1_000, timeoutMs: 10_000, deadlineMs: 120_000, concurrency: 8 };

/** What the manifests and image of a deploy hash to: equal hashes, equal deploys. */
export function deployHash(objects: KubeObject[], image: string): string {
  return createHash('sha256').update(JSON.stringify([objects, image])).digest('hex').slice(0, 16);
}

const isStaged = (deployment: KubeObject | undefined) => deployment?.metadata.annotations?.[ANNOTATIONS.staged] === 'true';

class Deploy {
  readonly outcome: Outcome;
  private service?: KubeObject;
  private readonly serviceRef;

  constructor(private readonly env: DeployEnvironment) {
    this.outcome = { activeColor: 'none', previousColor: 'none', promoted: false, rolledBack: false, deployment: '', image: '', timeline: new Timeline(env.log), notes: [], checkRuns: [] };
    this.serviceRef = { apiVersion: 'v1', kind: 'Service', name: env.inputs.service, namespace: env.inputs.namespace };
  }

  private get inputs() {
    return this.env.inputs;
  }

  private get cluster() {
    return this.env.cluster;
  }

  private get step() {
    const timeline = this.outcome.timeline;
    return timeline.step.bind(timeline);
  }

  private deploymentRef(color: Color) {
    return { apiVersion: 'apps/v1', kind: 'Deployment', name: deploymentName(this.inputs.app, color), namespace: this.inputs.namespace };
  }

  private async readService(): Promise<KubeObject | undefined> {
    this.service = await this.cluster.get(this.serviceRef);
    this.outcome.activeColor = selectedColor(this.service) ?? 'none';
    this.outcome.previousColor = this.service?.metadata.annotations?.[ANNOTATIONS.previousColor] ?? 'none';
    return this.service;
  }

  async run(): Promise<Outcome> {
    let lock: Lock | undefined;
    try {
      const { inputs } = this.env;
      lock = await this.step('lock', () => acquireLock(this.cluster, inputs.namespace, inputs.app, this.env.holder, inputs.lockTimeoutMs, this.env.log), (l) => `held as ${l.holder}`);
      await this.readService();
      if (inputs.mode === 'deploy' || inputs.mode === 'deploy-and-promote') await this.deploy(inputs.mode === 'deploy-and-promote');
      else if (inputs.mode === 'promote') await this.promoteStaged();
      else if (inputs.mode === 'rollback') await this.rollback();
      else await this.abort();
    } catch (error) {
      this.outcome.failure = (error as Error).message;
      // Whatever went wrong, report the colour that really serves now.
      const service = await this.cluster.get(this.serviceRef).catch(() => this.service);
      this.outcome.activeColor = selectedColor(service) ?? 'none';
    } finally {
      await lock?.release().catch(() => undefined);
    }
    return this.outcome;
  }

  private async deploy(promote: boolean): Promise<void> {
    const { cluster, inputs } = this.env;
    const objects = await loadManifests(inputs.manifests, this.env.cwd);
    const manifests = classify(objects, inputs.app, inputs.service);
    if (!this.service && !manifests.service) throw new Error(`Service ${inputs.namespace}/${inputs.service} does not exist and is not in the manifests`);
    const plan = planColors(this.service);
    const staged = plan.staged;
    const image = inputs.image ?? deploymentImage(manifests.deployment, inputs.container) ?? '';
    const hash = deployHash(objects, image);
    this.outcome.deployment = deploymentName(inputs.app, staged);
    this.outcome.image = image;

    const active = plan.active ? await cluster.get(this.deploymentRef(plan.active)) : undefined;
    if (plan.active && active && isAvailable(active) && deploymentImage(active, inputs.container) === image && active.metadata.annotations?.[ANNOTATIONS.manifestsHash] === hash) {
      this.outcome.deployment = deploymentName(inputs.app, plan.active);
      this.note(`${image} is already live on ${plan.active} with these manifests: nothing to deploy`);
      return;
    }

    if (inputs.preDeployJob) {
      const job = inputs.preDeployJob;
      await this.step('pre-deploy job', () => runPreDeployJob(cluster, job, inputs.namespace, this.env.cwd, inputs.rolloutTimeoutMs), (name) => `Job ${name} completed`);
    }
    if (plan.migrating) await this.pinToOldPods();

    // The staged colour starts at what serves now (an HPA may have scaled it), never at zero.
    const serving = active ?? (plan.migrating ? await cluster.get({ apiVersion: 'apps/v1', kind: 'Deployment', name: manifests.deployment.metadata.name, namespace: inputs.namespace }) : undefined);
    const replicas = Math.max(1, serving?.spec?.replicas ?? manifests.deployment.spec?.replicas ?? 1);
    await this.step('staged', () => this.stage(manifests, staged, image, replicas, hash), () => `${this.outcome.deployment} with ${image}, ${replicas} replica(s)`);

    try {
      this.env.log(`Waiting up to ${Math.round(inputs.rolloutTimeoutMs / 1000)}s for Deployment ${this.outcome.deployment} to become available`);
      await this.step('available', () => waitAvailable(cluster, inputs.namespace, this.outcome.deployment, inputs.rolloutTimeoutMs), () => this.outcome.deployment);
      if (inputs.checks.length) await this.step('gated', () => this.gate(manifests, staged), (detail) => detail);
    } catch (error) {
      await this.handleFailedColor(staged, plan.migrating);
      throw error;
    }
    if (!promote) {
      await cluster.mergePatch(this.deploymentRef(staged), { metadata: { annotations: { [ANNOTATIONS.staged]: 'true' } } });
      this.note(`${staged} is staged and gated; traffic stays on ${plan.active ?? 'what serves now'} until mode promote`);
      return;
    }
    await this.promote(staged, image, plan.active, manifests.service);
  }

  /** Migration: narrow the Service to the old pods before staging (see migration.ts). */
  private async pinToOldPods(): Promise<void> {
    const service = this.service!;
    const selector = service.spec?.selector ?? {};
    if (selector[POD_TEMPLATE_HASH]) return; // pinned by an earlier run
    const { inputs } = this.env;
    await this.step('pinned', async () => {
      const pin = await pinnedSelector(this.cluster, inputs.namespace, inputs.service, selector);
      this.service = await switchTraffic(this.cluster, { namespace: inputs.namespace, service: inputs.service, selector: pin, annotations: { [ANNOTATIONS.previousSelector]: JSON.stringify(selector) } });
    }, () => `${inputs.service} selects only the pods that serve now (${POD_TEMPLATE_HASH}=${this.service?.spec?.selector?.[POD_TEMPLATE_HASH]})`);
  }

  private async stage(manifests: AppManifests, color: Color, image: string, replicas: number, hash: string): Promise<void> {
    const { cluster, inputs } = this.env;
    const existing = await cluster.get(this.deploymentRef(color));
    // A colour staged earlier loses its "gated" mark while it is staged again.
    if (isStaged(existing)) await cluster.mergePatch(this.deploymentRef(color), { metadata: { annotations: { [ANNOTATIONS.staged]: null } } });
    for (const object of manifests.others) {
      const clean = cleanForApply(object);
      await cluster.apply({ ...clean, metadata: { ...clean.metadata, namespace: clean.metadata.namespace ?? inputs.namespace } });
    }
    const deployment = coloredDeployment(manifests.deployment, { app: inputs.app, color, namespace: inputs.namespace, image, container: inputs.container, replicas });
    deployment.metadata.annotations = { ...deployment.metadata.annotations, [ANNOTATIONS.manifestsHash]: hash };
    await cluster.apply(deployment);
    for (const hpa of manifests.hpas) await cluster.apply(coloredHpa(hpa, inputs.app, color, inputs.namespace));
    for (const pdb of manifests.pdbs) await cluster.apply(coloredPdb(pdb, inputs.app, color, inputs.namespace));
  }

  /** Runs `checks` against the staged colour: its preview Service, through `preview-url` or the API server's proxy. */
  private async gate(manifests: AppManifests, color: Color): Promise<string> {
    const { cluster, inputs } = this.env;
    const stable = manifests.service ?? this.service!;
    const preview = await cluster.apply(previewService(stable, inputs.previewService, inputs.app, color, inputs.namespace));
    await this.check('checks', inputs.checks, inputs.previewUrl ?? this.proxyUrl(preview), Boolean(inputs.previewUrl));
    return `${inputs.checks.length} check(s) passed on ${color} via ${inputs.previewUrl ? 'preview-url' : `the API proxy to ${inputs.previewService}`}`;
  }

  private proxyUrl(service: KubeObject): string {
    const port = service.spec?.ports?.[0];
    const target = port ? `${service.metadata.name}:${port.name ?? port.port}` : service.metadata.name;
    return `${this.cluster.connection.server}/api/v1/namespaces/${service.metadata.namespace ?? this.inputs.namespace}/services/${target}/proxy`;
  }

  private async check(label: string, checks: Check[], baseUrl: string, direct: boolean): Promise<void> {
    const connection = this.cluster.connection;
    const run = await runChecks(checks, {
      ...CHECK_POLICY,
      baseUrl,
      // Through the API server, checks carry the cluster's CA and credentials.
      dispatcher: direct ? undefined : connection.dispatcher,
      headers: direct ? undefined : await connection.authorization(),
      sleep: this.env.sleep,
      onResult: (result) => this.env.log(`${result.ok ? '✓' : '✗'} ${label} ${result.name}: ${result.ok ? result.status : result.error}`),
    });
    this.outcome.checkRuns.push({ label, run });
    if (!run.passed) {
      const failed = run.results.filter((result) => !result.ok);
      throw new Error(`${failed.length} of ${run.results.length} ${label} failed: ${failed.map((r) => `${r.name} (${r.error})`).join('; ')}`);
    }
  }

  /** A colour that failed its gate or its post-checks: kept for inspection, or removed (`on-failure`). */
  private async handleFailedColor(color: Color, migrating: boolean): Promise<void> {
    const name = deploymentName(this.inputs.app, color);
    if (this.inputs.onFailure === 'delete') {
      await this.removeColor(color);
      // Nothing coloured is left for the pin to keep out: the Service selects as it did before.
      if (migrating && this.service?.spec?.selector?.[POD_TEMPLATE_HASH]) await this.unpin();
      this.note(`on-failure: delete — removed ${name}`);
    } else {
      this.note(`on-failure: keep — ${name} is left for inspection; it takes no traffic`);
    }
  }

  private async unpin(): Promise<void> {
    const original = JSON.parse(this.service?.metadata.annotations?.[ANNOTATIONS.previousSelector] ?? 'null');
    if (!original) return;
    const { inputs } = this.env;
    this.service = await switchTraffic(this.cluster, { namespace: inputs.namespace, service: inputs.service, selector: original, annotations: { [ANNOTATIONS.previousSelector]: null } });
  }

  private async removeColor(color: Color): Promise<void> {
    const { cluster, inputs } = this.env;
    await cluster.delete(this.deploymentRef(color));
    const selector = `${APP_LABEL}=${inputs.app},${COLOR_LABEL}=${color}`;
    for (const [apiVersion, kind] of [['autoscaling/v2', 'HorizontalPodAutoscaler'], ['policy/v1', 'PodDisruptionBudget']]) {
      for (const object of await cluster.list(apiVersion, kind, inputs.namespace, selector)) {
        await cluster.delete({ apiVersion, kind, name: object.metadata.name, namespace: inputs.namespace });
      }
    }
  }

  /** Switches to `staged`, runs post-checks, and switches back when they fail. */
  private async promote(staged: Color, image: string, previous: Color | undefined, manifest?: KubeObject): Promise<void> {
    const { cluster, inputs, run } = this.env;
    const before = this.service;
    const beforeAnnotations = before?.metadata.annotations ?? {};
    const migrating = Boolean(before) && !previous;
    const previousDeployment = previous ? await cluster.get(this.deploymentRef(previous)) : undefined;
    const stagedDeployment = await cluster.get(this.deploymentRef(staged));
    const base = baseSelector(manifest?.spec?.selector ?? JSON.parse(beforeAnnotations[ANNOTATIONS.previousSelector] ?? 'null') ?? before?.spec?.selector);
    await this.step('switched', async () => {
      this.service = await switchTraffic(cluster, {
        namespace: inputs.namespace,
        service: inputs.service,
        selector: colorSelector(base, staged),
        manifest,
        annotations: {
          ...auditAnnotations(staged, image, run),
          [ANNOTATIONS.previousColor]: previous ?? 'none',
          [ANNOTATIONS.previousImage]: (previous ? deploymentImage(previousDeployment, inputs.container) : undefined) ?? '',
          [ANNOTATIONS.previousRevision]: previous ? (beforeAnnotations[ANNOTATIONS.revision] ?? '') : '',
          [ANNOTATIONS.manifestsHash]: stagedDeployment?.metadata.annotations?.[ANNOTATIONS.manifestsHash] ?? null,
        },
      });
      await cluster.mergePatch(this.deploymentRef(staged), { metadata: { annotations: { [ANNOTATIONS.staged]: null } } });
    }, () => `${inputs.service} → ${staged}`);
    Object.assign(this.outcome, { activeColor: staged, previousColor: previous ?? 'none', promoted: true });
    if (migrating) this.note(`Migrated: ${inputs.service} selected pods without a colour; the old Deployment keeps running untouched (rollback restores its selector)`);

    if (inputs.postChecks.length) {
      try {
        await this.step('checked', () => this.check('post-checks', inputs.postChecks, inputs.liveUrl ?? this.proxyUrl(this.service!), Boolean(inputs.liveUrl)), () => `${inputs.postChecks.length} post-check(s) passed`);
      } catch (error) {
        await this.step('rolled back', () => this.switchBack(before, staged), () => `${inputs.service} → ${this.outcome.activeColor}`);
        await this.handleFailedColor(staged, false);
        throw new Error(`${(error as Error).message} — traffic switched back to ${this.outcome.activeColor}`, { cause: error });
      }
    }

    if (previous && inputs.scaleDownDelayMs !== undefined) {
      const delay = inputs.scaleDownDelayMs;
      if (delay > 0) this.env.log(`Keeping ${deploymentName(inputs.app, previous)} for ${delay / 1000}s (scale-down-delay) for an instant rollback`);
      await this.step('scaled down', async () => {
        await (this.env.sleep ?? realSleep)(delay);
        await scaleDeployment(cluster, inputs.namespace, deploymentName(inputs.app, previous), 0);
      }, () => `${deploymentName(inputs.app, previous)} → 0 replicas`);
    } else if (previous) {
      this.note(`${deploymentName(inputs.app, previous)} keeps running (scale-down-delay: never)`);
    }
  }

  /** Back to exactly what served before a failed promote: the Service's selector and annotations as they were. */
  private async switchBack(before: KubeObject | undefined, failed: Color): Promise<void> {
    const { cluster, inputs } = this.env;
    if (before) {
      this.service = await switchTraffic(cluster, { namespace: inputs.namespace, service: inputs.service, selector: before.spec?.selector ?? {}, annotations: restoreAnnotations(before) });
    } else {
      // A first deploy created the Service: without it nothing serves, as before.
      await cluster.delete(this.serviceRef);
      this.service = undefined;
    }
    Object.assign(this.outcome, { activeColor: selectedColor(this.service) ?? 'none', previousColor: failed, promoted: false, rolledBack: true });
  }

  private async promoteStaged(): Promise<void> {
    const { cluster, inputs } = this.env;
    const plan = planColors(this.service);
    const staged = await cluster.get(this.deploymentRef(plan.staged));
    const name = deploymentName(inputs.app, plan.staged);
    if (!isStaged(staged) || !(staged?.spec?.replicas > 0)) {
      throw new Error(`Nothing is staged: ${name} ${!staged ? 'does not exist' : !isStaged(staged) ? 'was not staged and gated by mode deploy since the last switch' : 'is scaled to zero'}; run mode deploy first`);
    }
    this.outcome.deployment = name;
    this.outcome.image = deploymentImage(staged, inputs.container) ?? '';
    if (inputs.image && inputs.image !== this.outcome.image) throw new Error(`${name} is staged with ${this.outcome.image}, not ${inputs.image}: run mode deploy with that image first`);
    await this.step('available', () => waitAvailable(cluster, inputs.namespace, name, inputs.rolloutTimeoutMs), () => name);
    // A first deploy staged with mode deploy has no stable Service yet: it comes from the manifests.
    const manifest = inputs.manifests.length ? classify(await loadManifests(inputs.manifests, this.env.cwd), inputs.app, inputs.service).service : undefined;
    await this.promote(plan.staged, this.outcome.image, plan.active, manifest);
  }

  private async rollback(): Promise<void> {
    const { cluster, inputs, run } = this.env;
    const service = this.service;
    if (!service) throw new Error(`Cannot roll back: Service ${inputs.namespace}/${inputs.service} does not exist`);
    const annotations = service.metadata.annotations ?? {};
    const active = selectedColor(service);
    const previous = annotations[ANNOTATIONS.previousColor];
    if (previous === 'none') return this.rollbackMigration(active);
    if (previous !== 'blue' && previous !== 'green') throw new Error(`Cannot roll back: ${inputs.service} records no previous colour`);
    const name = deploymentName(inputs.app, previous);
    const target = await cluster.get(this.deploymentRef(previous));
    if (!target) throw new Error(`Cannot roll back: Deployment ${name} is gone`);
    const image = deploymentImage(target, inputs.container) ?? '';
    const expected = annotations[ANNOTATIONS.previousImage];
    if (expected && image !== expected) {
      throw new Error(`Cannot roll back: ${name} now runs ${image}, staged after the last switch; the previous release ${expected} is no longer there`);
    }
    this.outcome.deployment = name;
    this.outcome.image = image;
    if (!(target.spec?.replicas > 0)) {
      const current = active ? await cluster.get(this.deploymentRef(active)) : undefined;
      const replicas = Math.max(1, current?.spec?.replicas ?? 1);
      await this.step('scaled up', () => scaleDeployment(cluster, inputs.namespace, name, replicas), () => `${name} → ${replicas} replica(s)`);
    }
    await this.step('available', () => waitAvailable(cluster, inputs.namespace, name, inputs.rolloutTimeoutMs), () => name);
    const activeDeployment = active ? await cluster.get(this.deploymentRef(active)) : undefined;
    await this.step('switched', async () => {
      this.service = await switchTraffic(cluster, {
        namespace: inputs.namespace,
        service: inputs.service,
        selector: colorSelector(baseSelector(service.spec?.selector), previous),
        annotations: {
          ...auditAnnotations(previous, image, { ...run, revision: annotations[ANNOTATIONS.previousRevision] || run.revision }),
          [ANNOTATIONS.previousColor]: active ?? 'none',
          [ANNOTATIONS.previousImage]: deploymentImage(activeDeployment, inputs.container) ?? '',
          [ANNOTATIONS.previousRevision]: annotations[ANNOTATIONS.revision] ?? '',
          [ANNOTATIONS.manifestsHash]: target.metadata.annotations?.[ANNOTATIONS.manifestsHash] ?? null,
        },
      });
    }, () => `${inputs.service} → ${previous}`);
    Object.assign(this.outcome, { activeColor: previous, previousColor: active ?? 'none', rolledBack: true });
  }

  /** Back to the plain Deployment: the old pods take traffic again, then the colour is scaled to zero. */
  private async rollbackMigration(active: Color | undefined): Promise<void> {
    const { cluster, inputs, run } = this.env;
    const original = JSON.parse(this.service!.metadata.annotations?.[ANNOTATIONS.previousSelector] ?? 'null');
    if (!original || !active) throw new Error(`Cannot roll back: ${inputs.service} has no selector from before its first blue-green deploy`);
    const name = deploymentName(inputs.app, active);
    // Old pods only (pinned), then the colour to zero, then the old selector: never both at once.
    await this.step('switched', async () => {
      const pin = await pinnedSelector(cluster, inputs.namespace, inputs.service, original);
      this.service = await switchTraffic(cluster, {
        namespace: inputs.namespace,
        service: inputs.service,
        selector: pin,
        annotations: { ...auditAnnotations('none', '', run), [ANNOTATIONS.previousColor]: active, [ANNOTATIONS.previousImage]: null, [ANNOTATIONS.previousRevision]: null },
      });
    }, () => `${inputs.service} → the pods of the old Deployment`);
    await this.step('scaled down', () => scaleDeployment(cluster, inputs.namespace, name, 0), () => `${name} → 0 replicas`);
    await this.unpin();
    Object.assign(this.outcome, { activeColor: 'none', previousColor: active, rolledBack: true, deployment: name });
    this.note('Rolled back to the Deployment that served before the first blue-green deploy; only its pods serve now');
  }

  private async abort(): Promise<void> {
    const plan = planColors(this.service);
    const name = deploymentName(this.inputs.app, plan.staged);
    const staged = await this.cluster.get(this.deploymentRef(plan.staged));
    if (!isStaged(staged)) {
      this.note(`Nothing to abort: ${name} ${staged ? 'is not a staged colour (it is kept for rollback)' : 'does not exist'}`);
      return;
    }
    this.outcome.deployment = name;
    await this.step('removed', () => this.removeColor(plan.staged), () => name);
    this.note(`Removed the staged colour ${plan.staged}; traffic stays on ${plan.active ?? 'what serves now'}`);
  }

  private note(line: string): void {
    this.outcome.notes.push(line);
    this.env.notice(line);
  }
}

export function runBlueGreen(env: DeployEnvironment): Promise<Outcome> {
  return new Deploy(env).run();
}

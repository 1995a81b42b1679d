/**
 * The five modes. Every failure before the switch leaves traffic where it was; every failure
 * after it switches back. The outcome always says which colour the stable Service selects at the
 * end, whatever happened.
 */
import { runChecks, type CheckRun } from '../lib/checks.js';
import type { Check } from '../lib/check-spec.js';
import { sleep as realSleep, type Sleep } from '../lib/retry.js';
import type { BlueGreenInputs } from './inputs.js';
import { runPreDeployJob } from './job.js';
import type { Cluster } from './kube.js';
import { acquireLock } from './lock.js';
import { classify, loadManifests, type AppManifests } from './manifests.js';
import {
  ANNOTATIONS,
  APP_LABEL,
  COLOR_LABEL,
  cleanForApply,
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
import { switchTraffic, type RunInfo } from './traffic.js';

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

  private deploymentRef(color: Color) {
    return { apiVersion: 'apps/v1', kind: 'Deployment', name: deploymentName(this.inputs.app, color), namespace: this.inputs.namespace };
  }

  private async readService(): Promise<KubeObject | undefined> {
    this.service = await this.env.cluster.get(this.serviceRef);
    this.outcome.activeColor = selectedColor(this.service) ?? 'none';
    this.outcome.previousColor = this.service?.metadata.annotations?.[ANNOTATIONS.previousColor] ?? 'none';
    return this.service;
  }

  async run(): Promise<Outcome> {
    const { cluster, inputs } = this.env;
    const lock = await this.outcome.timeline.step('lock', () => acquireLock(cluster, inputs.namespace, inputs.app, this.env.holder, inputs.lockTimeoutMs, this.env.log), (l) => `held as ${l.holder}`);
    try {
      await this.readService();
      switch (inputs.mode) {
        case 'deploy':
        case 'deploy-and-promote':
          await this.deploy(inputs.mode === 'deploy-and-promote');
          break;
        case 'promote':
          await this.promoteStaged();
          break;
        case 'rollback':
          await this.rollback();
          break;
        case 'abort':
          await this.abort();
          break;
      }
    } catch (error) {
      this.outcome.failure = (error as Error).message;
      // Whatever went wrong, report the colour that really serves now.
      await this.readService().catch(() => undefined);
    } finally {
      await lock.release().catch(() => undefined);
    }
    return this.outcome;
  }

  private async deploy(promote: boolean): Promise<void> {
    const { cluster, inputs } = this.env;
    const timeline = this.outcome.timeline;
    const manifests = classify(await loadManifests(inputs.manifests, this.env.cwd), inputs.app, inputs.service);
    if (!this.service && !manifests.service) throw new Error(`Service ${inputs.namespace}/${inputs.service} does not exist and is not in the manifests`);
    const plan = planColors(this.service);
    const staged = plan.staged;
    const image = inputs.image ?? deploymentImage(manifests.deployment, inputs.container) ?? '';
    this.outcome.deployment = deploymentName(inputs.app, staged);
    this.outcome.image = image;

    const active = plan.active ? await cluster.get(this.deploymentRef(plan.active)) : undefined;
    if (plan.active && active && isAvailable(active) && deploymentImage(active, inputs.container) === image && this.service?.metadata.annotations?.[ANNOTATIONS.image] === image) {
      this.outcome.deployment = deploymentName(inputs.app, plan.active);
      this.note(`${image} is already live on ${plan.active}: nothing to deploy`);
      return;
    }

    if (inputs.preDeployJob) {
      const job = inputs.preDeployJob;
      await timeline.step('pre-deploy job', () => runPreDeployJob(cluster, job, inputs.namespace, this.env.cwd, inputs.rolloutTimeoutMs), (name) => `Job ${name} completed`);
    }

    // The staged colour starts at what serves now (an HPA may have scaled it), never at zero.
    const serving = active ?? (plan.migrating ? await cluster.get({ apiVersion: 'apps/v1', kind: 'Deployment', name: manifests.deployment.metadata.name, namespace: inputs.namespace }) : undefined);
    const replicas = Math.max(1, serving?.spec?.replicas ?? manifests.deployment.spec?.replicas ?? 1);
    await timeline.step(`stage ${staged}`, () => this.stage(manifests, staged, image, replicas), () => `${this.outcome.deployment} with ${image}, ${replicas} replica(s)`);

    try {
      await timeline.step('available', () => waitAvailable(cluster, inputs.namespace, this.outcome.deployment, inputs.rolloutTimeoutMs));
      if (inputs.checks.length) {
        await timeline.step('gated', () => this.gate(manifests, staged));
      }
    } catch (error) {
      await this.handleStagedFailure(staged);
      throw error;
    }
    if (!promote) {
      this.note(`${staged} is staged and gated; traffic stays on ${plan.active ?? 'what serves now'} until mode promote`);
      return;
    }
    await this.promote(staged, image, plan.active, plan.migrating, manifests.service);
  }

  private async stage(manifests: AppManifests, color: Color, image: string, replicas: number): Promise<void> {
    const { cluster, inputs } = this.env;
    for (const object of manifests.others) {
      const clean = cleanForApply(object);
      await cluster.apply({ ...clean, metadata: { ...clean.metadata, namespace: clean.metadata.namespace ?? inputs.namespace } });
    }
    await cluster.apply(coloredDeployment(manifests.deployment, { app: inputs.app, color, namespace: inputs.namespace, image, container: inputs.container, replicas }));
    for (const hpa of manifests.hpas) await cluster.apply(coloredHpa(hpa, inputs.app, color, inputs.namespace));
    for (const pdb of manifests.pdbs) await cluster.apply(coloredPdb(pdb, inputs.app, color, inputs.namespace));
  }

  /** Runs `checks` against the staged colour: its preview Service, through `preview-url` or the API server's proxy. */
  private async gate(manifests: AppManifests, color: Color): Promise<string> {
    const { cluster, inputs } = this.env;
    const stable = manifests.service ?? this.service!;
    const preview = await cluster.apply(previewService(stable, inputs.previewService, inputs.app, color, inputs.namespace));
    const baseUrl = inputs.previewUrl ?? this.proxyUrl(preview);
    await this.check('checks', inputs.checks, baseUrl, Boolean(inputs.previewUrl));
    return `${inputs.checks.length} check(s) passed on ${color} via ${inputs.previewUrl ? 'preview-url' : `the API proxy to ${inputs.previewService}`}`;
  }

  private proxyUrl(service: KubeObject): string {
    const port = service.spec?.ports?.[0];
    const target = port ? `${service.metadata.name}:${port.name ?? port.port}` : service.metadata.name;
    return `${this.env.cluster.connection.server}/api/v1/namespaces/${service.metadata.namespace ?? this.inputs.namespace}/services/${target}/proxy`;
  }

  private async check(label: string, checks: Check[], baseUrl: string, direct: boolean): Promise<void> {
    const connection = this.env.cluster.connection;
    const run = await runChecks(checks, {
      ...CHECK_POLICY,
      baseUrl,
      // Through the API server, checks carry the cluster's CA and credentials.
      dispatcher: direct ? undefined : connection.dispatcher,
      headers: direct ? undefined : connection.headers,
      sleep: this.env.sleep,
      onResult: (result) => this.env.log(`${result.ok ? '✓' : '✗'} ${label} ${result.name}: ${result.ok ? result.status : result.error}`),
    });
    this.outcome.checkRuns.push({ label, run });
    if (!run.passed) {
      const failed = run.results.filter((result) => !result.ok);
      throw new Error(`${failed.length} of ${run.results.length} ${label} failed: ${failed.map((r) => `${r.name} (${r.error})`).join('; ')}`);
    }
  }

  private async handleStagedFailure(color: Color): Promise<void> {
    if (this.inputs.onFailure === 'delete') {
      await this.removeColor(color);
      this.note(`on-failure: delete — removed ${deploymentName(this.inputs.app, color)}`);
    } else {
      this.note(`on-failure: keep — ${deploymentName(this.inputs.app, color)} is left for inspection; traffic was not switched`);
    }
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
  private async promote(staged: Color, image: string, previous: Color | undefined, migrating: boolean, manifest?: KubeObject): Promise<void> {
    const { cluster, inputs, run } = this.env;
    const timeline = this.outcome.timeline;
    const before = this.service;
    const annotations = migrating && before ? { [ANNOTATIONS.previousSelector]: JSON.stringify(before.spec?.selector ?? {}) } : undefined;
    const previousLabel = previous ?? 'none';
    await timeline.step(`switched to ${staged}`, async () => {
      this.service = await switchTraffic(cluster, { namespace: inputs.namespace, service: inputs.service, target: { color: staged }, previous: previousLabel, image, run, manifest, annotations });
    });
    this.outcome.activeColor = staged;
    this.outcome.previousColor = previousLabel;
    this.outcome.promoted = true;
    if (migrating) this.note(`Migrated: ${inputs.service} selected pods without a colour; the old Deployment keeps running untouched (rollback restores its selector)`);

    if (inputs.postChecks.length) {
      try {
        await timeline.step('checked', () => this.check('post-checks', inputs.postChecks, inputs.liveUrl ?? this.proxyUrl(this.service!), Boolean(inputs.liveUrl)));
      } catch (error) {
        await timeline.step(`rolled back`, () => this.switchBack(before, previous, image));
        this.outcome.promoted = false;
        this.outcome.rolledBack = true;
        throw new Error(`${(error as Error).message} — traffic switched back to ${this.outcome.activeColor}`, { cause: error });
      }
    }

    if (previous && inputs.scaleDownDelayMs !== undefined) {
      const delay = inputs.scaleDownDelayMs;
      if (delay > 0) this.env.log(`Keeping ${deploymentName(inputs.app, previous)} for ${delay / 1000}s (scale-down-delay) for an instant rollback`);
      await timeline.step(`scaled down ${previous}`, async () => {
        await (this.env.sleep ?? realSleep)(delay);
        await scaleDeployment(cluster, inputs.namespace, deploymentName(inputs.app, previous), 0);
      });
    } else if (previous) {
      this.note(`${deploymentName(inputs.app, previous)} keeps running (scale-down-delay: never)`);
    }
  }

  /** Back to what served before a failed promote: the previous colour, or the pre-migration selector. */
  private async switchBack(before: KubeObject | undefined, previous: Color | undefined, image: string): Promise<void> {
    const { cluster, inputs, run } = this.env;
    const failed = this.outcome.activeColor;
    if (previous) {
      const previousImage = deploymentImage(await cluster.get(this.deploymentRef(previous)), inputs.container) ?? '';
      this.service = await switchTraffic(cluster, { namespace: inputs.namespace, service: inputs.service, target: { color: previous }, previous: failed, image: previousImage, run });
      this.outcome.activeColor = previous;
    } else if (before) {
      this.service = await switchTraffic(cluster, { namespace: inputs.namespace, service: inputs.service, target: { selector: before.spec?.selector ?? {}, label: 'the old selector' }, previous: failed, image, run });
      this.outcome.activeColor = 'none';
    } else {
      // First deploy: nothing served before. Leave the Service selecting no pods rather than the failed colour.
      this.service = await switchTraffic(cluster, { namespace: inputs.namespace, service: inputs.service, target: { selector: { [APP_LABEL]: inputs.app, [COLOR_LABEL]: 'none' }, label: 'no pods' }, previous: failed, image, run });
      this.outcome.activeColor = 'none';
    }
    this.outcome.previousColor = failed;
  }

  private async promoteStaged(): Promise<void> {
    const { cluster } = this.env;
    const plan = planColors(this.service);
    const staged = await cluster.get(this.deploymentRef(plan.staged));
    if (!staged || !(staged.spec?.replicas > 0)) throw new Error(`Nothing is staged: ${deploymentName(this.inputs.app, plan.staged)} ${staged ? 'is scaled to zero' : 'does not exist'}; run mode deploy first`);
    this.outcome.deployment = staged.metadata.name;
    this.outcome.image = deploymentImage(staged, this.inputs.container) ?? '';
    await this.outcome.timeline.step('available', () => waitAvailable(cluster, this.inputs.namespace, staged.metadata.name, this.inputs.rolloutTimeoutMs));
    // A first deploy staged with mode deploy has no stable Service yet: it comes from the manifests.
    const manifest = this.inputs.manifests.length ? classify(await loadManifests(this.inputs.manifests, this.env.cwd), this.inputs.app, this.inputs.service).service : undefined;
    await this.promote(plan.staged, this.outcome.image, plan.active, plan.migrating, manifest);
  }

  private async rollback(): Promise<void> {
    const { cluster, inputs, run } = this.env;
    const timeline = this.outcome.timeline;
    if (!this.service) throw new Error(`Cannot roll back: Service ${inputs.namespace}/${inputs.service} does not exist`);
    const active = selectedColor(this.service);
    const previous = this.service.metadata.annotations?.[ANNOTATIONS.previousColor];
    if (previous === 'none') {
      const selector = JSON.parse(this.service.metadata.annotations?.[ANNOTATIONS.previousSelector] ?? 'null');
      if (!selector || !active) throw new Error(`Cannot roll back: ${inputs.service} has no selector from before its first blue-green deploy`);
      await timeline.step('restored the old selector', async () => {
        this.service = await switchTraffic(cluster, { namespace: inputs.namespace, service: inputs.service, target: { selector, label: 'the old selector' }, previous: active, image: '', run });
      });
      await timeline.step(`scaled down ${active}`, () => scaleDeployment(cluster, inputs.namespace, deploymentName(inputs.app, active), 0));
      this.outcome.deployment = deploymentName(inputs.app, active);
      Object.assign(this.outcome, { activeColor: 'none', previousColor: active, rolledBack: true });
      this.note('Rolled back to the Deployment that served before the first blue-green deploy; only its pods serve now');
      return;
    }
    if (previous !== 'blue' && previous !== 'green') throw new Error(`Cannot roll back: ${inputs.service} records no previous colour`);
    const target = await cluster.get(this.deploymentRef(previous));
    if (!target) throw new Error(`Cannot roll back: Deployment ${deploymentName(inputs.app, previous)} is gone`);
    this.outcome.deployment = target.metadata.name;
    this.outcome.image = deploymentImage(target, inputs.container) ?? '';
    if (!(target.spec?.replicas > 0)) {
      const current = active ? await cluster.get(this.deploymentRef(active)) : undefined;
      const replicas = Math.max(1, current?.spec?.replicas ?? 1);
      await timeline.step(`scaled up ${previous}`, () => scaleDeployment(cluster, inputs.namespace, target.metadata.name, replicas), () => `${replicas} replica(s)`);
    }
    await timeline.step('available', () => waitAvailable(cluster, inputs.namespace, target.metadata.name, inputs.rolloutTimeoutMs));
    await timeline.step(`switched to ${previous}`, async () => {
      this.service = await switchTraffic(cluster, { namespace: inputs.namespace, service: inputs.service, target: { color: previous }, previous: active ?? 'none', image: this.outcome.image, run });
    });
    Object.assign(this.outcome, { activeColor: previous, previousColor: active ?? 'none', rolledBack: true });
  }

  private async abort(): Promise<void> {
    const plan = planColors(this.service);
    const name = deploymentName(this.inputs.app, plan.staged);
    if (!(await this.env.cluster.get(this.deploymentRef(plan.staged)))) {
      this.note(`Nothing to abort: ${name} does not exist`);
      return;
    }
    this.outcome.deployment = name;
    await this.outcome.timeline.step(`removed ${plan.staged}`, () => this.removeColor(plan.staged));
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


/**
 * The five modes of blue-green. Every failure before the switch leaves traffic where it was; every
 * failure after it switches back. The outcome always says which colour the stable Service selects
 * at the end, whatever happened.
 */
import { ANNOTATIONS, auditAnnotations, decodeRelease, encodeRelease, restoreAnnotations, type ReleaseRecord } from '../lib/deploy/annotations.js';
import { unpackManifests, type RevisionEntry } from '../lib/deploy/history.js';
import type { DeployInputs } from '../lib/deploy/inputs.js';
import { runPreDeployJob } from '../lib/deploy/job.js';
import { pinnedSelector } from '../lib/deploy/migration.js';
import { POD_TEMPLATE_HASH, baseSelector, colorSelector, deploymentName, planColors, selectedColor, type Color, type KubeObject } from '../lib/deploy/model.js';
import { planRollback } from '../lib/deploy/plan.js';
import { leftByKilledRun } from '../lib/deploy/recovery.js';
import { releaseOf, type Release } from '../lib/deploy/release.js';
import { isAvailable } from '../lib/deploy/rollout.js';
import { analysisOf } from '../lib/deploy/analysis.js';
import { DeploySession, isStaged, type DeployEnvironment, type Outcome } from '../lib/deploy/session.js';
import { switchTraffic } from '../lib/deploy/traffic.js';

export interface BlueGreenInputs extends DeployInputs {
  onFailure: 'keep' | 'delete';
}

class BlueGreen extends DeploySession<BlueGreenInputs> {
  constructor(env: DeployEnvironment<BlueGreenInputs>) {
    super(env, 'blue-green');
  }

  protected async runMode(): Promise<void> {
    const { mode } = this.inputs;
    if (mode === 'deploy' || mode === 'deploy-and-promote') await this.deploy(this.release!, mode === 'deploy-and-promote');
    else if (mode === 'promote') await this.promoteStaged();
    else if (mode === 'rollback') await this.rollback();
    else await this.abort();
  }

  private async deploy(release: Release, promote: boolean, from?: RevisionEntry): Promise<void> {
    const { cluster, inputs } = this.env;
    const { manifests, image, digest: hash } = release;
    if (!this.service && !manifests.service) throw new Error(`Service ${inputs.namespace}/${inputs.service} does not exist and is not in the manifests`);
    const plan = planColors(this.service);
    const staged = plan.staged;
    this.outcome.deployment = deploymentName(inputs.app, staged);
    this.outcome.image = image;

    const active = plan.active ? await this.getColor(plan.active) : undefined;
    if (!from && plan.active && active && isAvailable(active) && this.imageOf(active) === image && active.metadata.annotations?.[ANNOTATIONS.manifestsHash] === hash) {
      this.outcome.deployment = deploymentName(inputs.app, plan.active);
      this.note(`${image} is already live on ${plan.active} with these manifests: nothing to deploy`);
      return;
    }

    if (inputs.preDeployJob) {
      const job = inputs.preDeployJob;
      await this.step('pre-deploy job', () => runPreDeployJob(cluster, job, this.env.prepared.job, inputs.namespace, inputs.rolloutTimeoutMs), (name) => `Job ${name} completed`);
    }
    if (plan.migrating) await this.pinToOldPods();

    // The staged colour starts at what serves now (an HPA may have scaled it), never at zero.
    const serving = active ?? (plan.migrating ? await cluster.get({ apiVersion: 'apps/v1', kind: 'Deployment', name: manifests.deployment.metadata.name, namespace: inputs.namespace }) : undefined);
    const replicas = Math.max(1, serving?.spec?.replicas ?? manifests.deployment.spec?.replicas ?? 1);
    const record = await this.recordRevision(release, staged, from?.from);
    await this.step('staged', async () => {
      const existing = await this.getColor(staged);
      // A colour staged earlier loses its "gated" mark while it is staged again.
      if (isStaged(existing)) await cluster.mergePatch(this.deploymentRef(staged), { metadata: { annotations: { [ANNOTATIONS.staged]: null } } });
      await this.applyColor(manifests, staged, image, replicas, record);
    }, () => `${this.outcome.deployment} with ${image}, ${replicas} replica(s), revision ${record.revision}${from ? ` (from revision ${from.revision})` : ''}`);

    try {
      this.env.log(`Waiting up to ${Math.round(inputs.rolloutTimeoutMs / 1000)}s for Deployment ${this.outcome.deployment} to become available`);
      await this.step('available', () => this.waitAvailable(staged), () => this.outcome.deployment);
      if (inputs.checks.length) await this.step('gated', () => this.gate(manifests.service, staged), (detail) => detail);
      // The staged colour judged by its metrics before it takes any live traffic.
      const pre = analysisOf(inputs.analyses, 'pre-promotion-analysis');
      if (pre) await this.judge('pre-promotion analysis', pre, this.analysisValues(staged, plan.active, record.revision));
    } catch (error) {
      await this.setResult(record.revision, 'failed');
      await this.handleFailedColor(staged, plan.migrating);
      throw error;
    }
    if (!promote) {
      await cluster.mergePatch(this.deploymentRef(staged), { metadata: { annotations: { [ANNOTATIONS.staged]: 'true' } } });
      this.note(`${staged} is staged and gated; traffic stays on ${plan.active ?? 'what serves now'} until mode promote`);
      return;
    }
    await this.promote(staged, image, plan.active, manifests.service, record);
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

  /** Switches to `staged`, runs post-checks, and switches back when they fail. */
  private async promote(staged: Color, image: string, previous: Color | undefined, manifest: KubeObject | undefined, record: ReleaseRecord | undefined): Promise<void> {
    const { cluster, inputs } = this.env;
    const before = this.service;
    const beforeAnnotations = before?.metadata.annotations ?? {};
    const migrating = Boolean(before) && !previous;
    const previousDeployment = previous ? await this.getColor(previous) : undefined;
    const stagedDeployment = await this.getColor(staged);
    const base = baseSelector(manifest?.spec?.selector ?? JSON.parse(beforeAnnotations[ANNOTATIONS.previousSelector] ?? 'null') ?? before?.spec?.selector);
    const switched = record ? { ...record, stage: 'switched-unchecked' as const } : undefined;
    this.outcome.previousImage = previous ? this.imageOf(previousDeployment) : '';
    this.outcome.previousRevision = String(decodeRelease(before)?.revision ?? '');
    await this.step('switched', async () => {
      this.service = await switchTraffic(cluster, {
        namespace: inputs.namespace,
        service: inputs.service,
        selector: colorSelector(base, staged),
        manifest,
        annotations: this.liveAnnotations(staged, image, previous, stagedDeployment?.metadata.annotations?.[ANNOTATIONS.manifestsHash] ?? null, switched),
      });
      await cluster.mergePatch(this.deploymentRef(staged), { metadata: { annotations: { [ANNOTATIONS.staged]: null, [ANNOTATIONS.scaleDownAt]: null } } });
    }, () => `${inputs.service} → ${staged}`);
    Object.assign(this.outcome, { activeColor: staged, previousColor: previous ?? 'none', promoted: true, revision: String(record?.revision ?? '') });
    if (migrating) this.note(`Migrated: ${inputs.service} selected pods without a colour; the old Deployment keeps running untouched (rollback restores its selector)`);

    const post = analysisOf(inputs.analyses, 'post-promotion-analysis');
    try {
      // Traffic moves when the endpoints do: checks and the scale-down wait for them.
      await this.awaitEndpoints(this.postChecksViaProxy);
      if (inputs.postChecks.length) await this.step('checked', () => this.check('post-checks', inputs.postChecks, inputs.liveUrl ?? this.proxyUrl(this.service!), Boolean(inputs.liveUrl)), () => `${inputs.postChecks.length} post-check(s) passed`);
      // Before the scale-down: a failure switches back to the previous colour, still running.
      if (post) await this.judge('post-promotion analysis', post, this.analysisValues(staged, previous, record?.revision));
    } catch (error) {
      const reason = (error as Error).message;
      await this.step('rolled back', () => this.switchBack(before, staged, image, reason), () => `${inputs.service} → ${this.outcome.activeColor}`);
      if (record) await this.setResult(record.revision, 'failed');
      // The failed colour is removed (on-failure: delete) only once no endpoint sends it traffic.
      if (this.service) await this.awaitEndpoints(false).catch((wait: Error) => this.warn(`traffic may still reach ${staged}: ${wait.message}`));
      await this.handleFailedColor(staged, false);
      throw new Error(`${reason} — traffic switched back to ${this.outcome.activeColor}`, { cause: error });
    }
    if (record) await this.markChecked(staged, record);
    if (previous) await this.scaleDownLater(previous);
  }

  /** The placeholders of an analysis: the new colour, the one serving before it, the new revision. */
  private analysisValues(color: Color, live: Color | undefined, revision: number | undefined) {
    return { app: this.inputs.app, namespace: this.inputs.namespace, color, 'live-color': live ?? '', revision: String(revision ?? '') };
  }

  /** Post-checks a later run ran on a release switched to by a killed run failed: the fast rollback, as mode rollback does it. */
  protected async switchBackUnchecked(failed: Color): Promise<void> {
    await this.switchBackTo(failed);
    this.outcome.promoted = false;
  }

  /** Back to exactly what served before a failed promote: the Service's selector and annotations as they were. */
  private async switchBack(before: KubeObject | undefined, failed: Color, image: string, reason: string): Promise<void> {
    const { inputs } = this.env;
    const broken = { image, color: failed, reason };
    if (before) {
      const selector = before.spec?.selector ?? {};
      this.service = await this.mustSwitchBack(broken, { selector }, (cluster) => switchTraffic(cluster, { namespace: inputs.namespace, service: inputs.service, selector, annotations: restoreAnnotations(before) }));
    } else {
      // A first deploy created the Service: without it nothing serves, as before.
      await this.mustSwitchBack(broken, 'delete-service', (cluster) => cluster.delete(this.serviceRef));
      this.service = undefined;
    }
    Object.assign(this.outcome, { activeColor: selectedColor(this.service) ?? 'none', previousColor: failed, promoted: false, rolledBack: true, revision: String(decodeRelease(before)?.revision ?? '') });
  }

  private async promoteStaged(): Promise<void> {
    const { inputs } = this.env;
    const plan = planColors(this.service);
    const staged = await this.getColor(plan.staged);
    const name = deploymentName(inputs.app, plan.staged);
    if (!isStaged(staged) || !(staged?.spec?.replicas > 0)) {
      throw new Error(`Nothing is staged: ${name} ${!staged ? 'does not exist' : !isStaged(staged) ? 'was not staged and gated by mode deploy since the last switch' : 'is scaled to zero'}; run mode deploy first`);
    }
    this.outcome.deployment = name;
    this.outcome.image = this.imageOf(staged);
    if (inputs.image && inputs.image !== this.outcome.image) throw new Error(`${name} is staged with ${this.outcome.image}, not ${inputs.image}: run mode deploy with that image first`);
    await this.step('available', () => this.waitAvailable(plan.staged), () => name);
    // A first deploy staged with mode deploy has no stable Service yet: it comes from the manifests.
    await this.promote(plan.staged, this.outcome.image, plan.active, this.release?.manifests.service, decodeRelease(staged));
  }

  private async rollback(): Promise<void> {
    const { inputs } = this.env;
    const service = this.service;
    if (!service) throw new Error(`Cannot roll back: Service ${inputs.namespace}/${inputs.service} does not exist`);
    const active = selectedColor(service);
    const other = active === 'blue' ? 'green' : active === 'green' ? 'blue' : undefined;
    const otherDeployment = other ? await this.getColor(other) : undefined;
    const plan = planRollback(
      { history: this.history, live: decodeRelease(service), other: other && otherDeployment ? { color: other, record: decodeRelease(otherDeployment), image: this.imageOf(otherDeployment) } : undefined, migrated: service.metadata.annotations?.[ANNOTATIONS.previousColor] === 'none' && Boolean(service.metadata.annotations?.[ANNOTATIONS.previousSelector]) },
      inputs.revision,
    );
    const live = decodeRelease(service);
    if (plan.kind === 'redeploy') {
      this.note(`Rolling back to revision ${plan.target.revision} (${plan.target.image}) by deploying it again through the gate`);
      await this.deploy(releaseOf(unpackManifests(plan.target.manifests), { ...inputs, image: plan.target.image }), true, plan.target);
      if (this.outcome.promoted) {
        if (live) await this.setResult(live.revision, 'rolled-back');
        this.outcome.rolledBack = true;
      }
      return;
    }
    await this.switchBackTo(active);
    if (live && plan.kind === 'switch-back') await this.setResult(live.revision, 'rolled-back');
  }

  /** The fast rollback: the previous colour (scaled up again if needed) takes traffic back at once. */
  private async switchBackTo(active: Color | undefined): Promise<void> {
    const { cluster, inputs, run } = this.env;
    const service = this.service!;
    const annotations = service.metadata.annotations ?? {};
    const previous = annotations[ANNOTATIONS.previousColor];
    if (previous === 'none') return this.rollbackMigration(active);
    if (previous !== 'blue' && previous !== 'green') throw new Error(`Cannot roll back: ${inputs.service} records no previous colour`);
    const name = deploymentName(inputs.app, previous);
    const target = await this.getColor(previous);
    if (!target) throw new Error(`Cannot roll back: Deployment ${name} is gone`);
    const image = this.imageOf(target);
    const expected = annotations[ANNOTATIONS.previousImage];
    if (expected && image !== expected) {
      throw new Error(`Cannot roll back: ${name} now runs ${image}, staged after the last switch; the previous release ${expected} is no longer there`);
    }
    this.outcome.deployment = name;
    this.outcome.image = image;
    const activeDeployment = active ? await this.getColor(active) : undefined;
    if (!(target.spec?.replicas > 0)) {
      const replicas = Math.max(1, activeDeployment?.spec?.replicas ?? 1);
      await this.step('scaled up', () => this.scale(previous, replicas), () => `${name} → ${replicas} replica(s)`);
    }
    await this.step('available', () => this.waitAvailable(previous), () => name);
    const record = decodeRelease(target);
    this.outcome.previousImage = this.imageOf(activeDeployment);
    this.outcome.previousRevision = String(decodeRelease(service)?.revision ?? '');
    await this.step('switched', async () => {
      this.service = await switchTraffic(cluster, {
        namespace: inputs.namespace,
        service: inputs.service,
        selector: colorSelector(baseSelector(service.spec?.selector), previous),
        annotations: {
          ...auditAnnotations(previous, image, { ...run, revision: annotations[ANNOTATIONS.previousRevision] || run.revision }),
          [ANNOTATIONS.previousColor]: active ?? 'none',
          [ANNOTATIONS.previousImage]: this.outcome.previousImage,
          [ANNOTATIONS.previousRevision]: annotations[ANNOTATIONS.revision] ?? '',
          [ANNOTATIONS.manifestsHash]: target.metadata.annotations?.[ANNOTATIONS.manifestsHash] ?? null,
          [ANNOTATIONS.release]: record ? encodeRelease({ ...record, stage: 'checked' }) : null,
        },
      });
      await cluster.mergePatch(this.deploymentRef(previous), { metadata: { annotations: { [ANNOTATIONS.scaleDownAt]: null } } });
    }, () => `${inputs.service} → ${previous}`);
    Object.assign(this.outcome, { activeColor: previous, previousColor: active ?? 'none', rolledBack: true, revision: String(record?.revision ?? '') });
    await this.awaitEndpoints(false);
    // The failed colour goes too (after the delay): a rollback does not leave both colours running.
    if (active) await this.scaleDownLater(active);
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
        annotations: { ...auditAnnotations('none', '', run), [ANNOTATIONS.previousColor]: active, [ANNOTATIONS.previousImage]: null, [ANNOTATIONS.previousRevision]: null, [ANNOTATIONS.release]: null },
      });
    }, () => `${inputs.service} → the pods of the old Deployment`);
    await this.awaitEndpoints(false);
    await this.step('scaled down', () => this.scaleDownNow(active), () => `${name} → 0 replicas`);
    await this.unpin();
    Object.assign(this.outcome, { activeColor: 'none', previousColor: active, rolledBack: true, deployment: name, revision: '' });
    this.note('Rolled back to the Deployment that served before the first blue-green deploy; only its pods serve now');
  }

  private async abort(): Promise<void> {
    const plan = planColors(this.service);
    const name = deploymentName(this.inputs.app, plan.staged);
    const staged = await this.getColor(plan.staged);
    // A colour a killed run staged is removed as one mode deploy staged would be.
    if (!isStaged(staged) && !leftByKilledRun(decodeRelease(staged), decodeRelease(this.service), this.history)) {
      this.note(`Nothing to abort: ${name} ${staged ? 'is not a staged colour (it is kept for rollback)' : 'does not exist'}`);
      return;
    }
    this.outcome.deployment = name;
    const record = decodeRelease(staged);
    await this.step('removed', () => this.removeColor(plan.staged), () => name);
    if (record) await this.setResult(record.revision, 'aborted');
    this.note(`Removed the staged colour ${plan.staged}; traffic stays on ${plan.active ?? 'what serves now'}`);
  }
}

export function runBlueGreen(env: DeployEnvironment<BlueGreenInputs>): Promise<Outcome> {
  return new BlueGreen(env).run();
}

/**
 * The canary: the new release runs as the other colour beside the live one, both behind the
 * Service, traffic shared by replica count (no traffic router needed, so any cluster will do). At
 * 100 the Service selects the new colour alone, as blue-green-deploy leaves it. A failed step is
 * undone: the old colour back to `total`, the new to zero, the Service never on the new alone.
 */
import { ANNOTATIONS, decodeRelease, encodeRelease, restoreAnnotations, type ReleaseRecord } from '../lib/deploy/annotations.js';
import { unpackManifests, type RevisionEntry } from '../lib/deploy/history.js';
import { runPreDeployJob } from '../lib/deploy/job.js';
import type { AppManifests } from '../lib/deploy/manifests.js';
import { APP_LABEL, COLOR_LABEL, baseSelector, colorSelector, coloredHpa, deploymentName, otherColor, selectedColor, type Color, type KubeObject } from '../lib/deploy/model.js';
import { planRollback, planWeights, servedWeight, type WeightStep } from '../lib/deploy/plan.js';
import { leftByKilledRun } from '../lib/deploy/recovery.js';
import { releaseOf, type Release } from '../lib/deploy/release.js';
import { isAvailable } from '../lib/deploy/rollout.js';
import { analysisOf } from '../lib/deploy/analysis.js';
import type { Cluster } from '../lib/deploy/kube.js';
import { BrokenReleaseLive, DeploySession, type DeployEnvironment, type Outcome } from '../lib/deploy/session.js';
import { switchTraffic } from '../lib/deploy/traffic.js';
import { sleep as realSleep } from '../lib/retry.js';
import type { CanaryInputs } from './inputs.js';

export type CanaryResult = 'promoted' | 'paused' | 'aborted' | 'no-op';

export interface StepReport {
  weight: number;
  newReplicas: number;
  oldReplicas: number;
  checks: string;
  analysis: string;
}

export interface CanaryOutcome extends Outcome {
  result: CanaryResult;
  /** The weight the new release serves at the end, in percent. */
  weight: number;
  steps: StepReport[];
}

/** An HPA held for a canary: its own behaviour, kept here while both directions are disabled. */
const HELD = 'sunday.dev/held-behavior';

interface Canary {
  live?: Color;
  next: Color;
  /** The new colour's record when a canary of it is under way (weight above 0). */
  running?: ReleaseRecord;
  liveDeployment?: KubeObject;
  nextDeployment?: KubeObject;
}

/** A run's plan for one canary: colours, capacity, what to deploy. */
interface Course {
  live?: Color;
  next: Color;
  total: number;
  record: ReleaseRecord;
  manifests: AppManifests;
  image: string;
  /** The new colour's replicas already reached (a resumed or promoted canary). */
  reachedNew: number;
  /** Stop before 100 (mode deploy). */
  pause: boolean;
}

class CanaryDeploy extends DeploySession<CanaryInputs> {
  declare readonly outcome: CanaryOutcome;
  /** The Service as the run found it: what an abort after the final switch restores. */
  private before?: KubeObject;

  constructor(env: DeployEnvironment<CanaryInputs>) {
    super(env, 'canary');
    Object.assign(this.outcome, { result: 'aborted', weight: 0, steps: [] });
  }

  protected async runMode(): Promise<void> {
    this.before = this.service;
    const { mode } = this.inputs;
    if (mode === 'deploy' || mode === 'deploy-and-promote') await this.deploy(this.release!, mode === 'deploy');
    else if (mode === 'promote') await this.promote();
    else if (mode === 'abort') await this.abortMode();
    else await this.rollback();
  }

  /** Which colour serves and which takes the canary, from the Service (if any) and the colours' records. */
  private async locate(): Promise<Canary> {
    const deployments = { blue: await this.getColor('blue'), green: await this.getColor('green') };
    for (const color of ['blue', 'green'] as Color[]) {
      const record = decodeRelease(deployments[color]);
      // Under way: it reached a weight, or a killed run scaled it up before it recorded the weight.
      const underWay = (record?.weight ?? 0) > 0 || leftByKilledRun(record, decodeRelease(this.service), this.history);
      if (record?.strategy === 'canary' && record.stage === 'staged' && underWay && deployments[color]!.spec?.replicas > 0) {
        const live = otherColor(color);
        return { live, next: color, running: record, liveDeployment: deployments[live], nextDeployment: deployments[color] };
      }
    }
    let live = selectedColor(this.service);
    if (!live && !this.service) {
      // A worker: the colour that runs a release that got past staging (the newest, if both do).
      const serving = (['blue', 'green'] as Color[]).filter((color) => deployments[color]?.spec?.replicas > 0 && decodeRelease(deployments[color])?.stage !== 'staged');
      live = serving.sort((a, b) => (decodeRelease(deployments[b])?.revision ?? 0) - (decodeRelease(deployments[a])?.revision ?? 0))[0];
    }
    const next = live ? otherColor(live) : 'blue';
    return { live, next, liveDeployment: live && deployments[live], nextDeployment: deployments[next] };
  }

  private setColors(live: Color | undefined): void {
    this.outcome.activeColor = live ?? 'none';
  }

  private async deploy(release: Release, pause: boolean, from?: RevisionEntry): Promise<void> {
    const { cluster, inputs } = this.env;
    const canary = await this.locate();
    this.setColors(canary.live);
    if (canary.running) {
      if (canary.running.digest === release.digest && !from) {
        this.note(`Resuming the canary of revision ${canary.running.revision} on ${canary.next} from ${canary.running.weight}%`);
        return this.stepThrough(this.resumed(canary, release.manifests, pause));
      }
      throw new Error(`A canary of revision ${canary.running.revision} (${canary.running.image}) is at ${canary.running.weight}% on ${canary.next}: promote or abort it first`);
    }
    if (this.service && !selectedColor(this.service)) {
      throw new Error(`Service ${inputs.namespace}/${inputs.service} selects pods without a colour: move it to colours with blue-green-deploy first (its first deploy migrates it)`);
    }
    const { manifests, image, digest } = release;
    this.outcome.image = image;
    this.outcome.deployment = deploymentName(inputs.app, canary.next);
    const live = canary.liveDeployment;
    if (!from && canary.live && live && isAvailable(live) && this.imageOf(live) === image && live.metadata.annotations?.[ANNOTATIONS.manifestsHash] === digest) {
      this.outcome.deployment = deploymentName(inputs.app, canary.live);
      Object.assign(this.outcome, { result: 'no-op', weight: 100 });
      this.note(`${image} is already live on ${canary.live} with these manifests: nothing to deploy`);
      return;
    }
    if (inputs.preDeployJob) {
      const job = inputs.preDeployJob;
      await this.step('pre-deploy job', () => runPreDeployJob(cluster, job, this.env.prepared.job, inputs.namespace, inputs.rolloutTimeoutMs), (name) => `Job ${name} completed`);
    }
    // What the live colour runs now (an HPA may have scaled it) is shared between the two colours.
    const liveReplicas = canary.live ? (live?.spec?.replicas ?? 0) : 0;
    const total = Math.max(1, liveReplicas || (manifests.deployment.spec?.replicas ?? 1));
    const firstRelease = !canary.live || liveReplicas === 0;
    const revision = await this.recordRevision(release, canary.next, from?.from);
    const record: ReleaseRecord = { ...revision, weight: 0, total };
    await this.step('staged', () => this.applyColor(manifests, canary.next, image, 0, record, { hpas: false }), () => `${this.outcome.deployment} with ${image}, 0 of ${total} replica(s), revision ${record.revision}${from ? ` (from revision ${from.revision})` : ''}`);
    if (canary.live) await this.holdHpas(canary.live);
    await this.stepThrough({ live: firstRelease ? undefined : canary.live, next: canary.next, total, record, manifests, image, reachedNew: 0, pause: pause && !firstRelease });
  }

  /** The course of a canary under way, as its new colour's record says. */
  private resumed(canary: Canary, manifests: AppManifests, pause: boolean): Course {
    const record = canary.running!;
    const total = record.total ?? (canary.liveDeployment?.spec?.replicas ?? 0) + (canary.nextDeployment?.spec?.replicas ?? 0);
    this.outcome.image = record.image;
    this.outcome.deployment = deploymentName(this.inputs.app, canary.next);
    return { live: canary.live, next: canary.next, total, record, manifests, image: record.image, reachedNew: Math.min(total, canary.nextDeployment?.spec?.replicas ?? 0), pause };
  }

  /** Runs the course's steps from the weight reached; any failure aborts the canary. */
  private async stepThrough(course: Course): Promise<void> {
    const { inputs } = this.env;
    const steps = planWeights(inputs.steps, course.total, course.reachedNew);
    let label = `${servedWeight(course.reachedNew, course.total - course.reachedNew)}%`;
    try {
      if (course.reachedNew > 0 && inputs.checks.length) {
        // A resumed canary: the checks of the weight it reached, again, before it goes on.
        await this.step(`checks at ${label}`, () => this.gate(course.manifests.service, course.next), (detail) => detail);
      }
      for (const [index, step] of steps.entries()) {
        label = `${step.weight}%`;
        if (step.newReplicas === course.total) {
          if (course.pause) return this.paused(course);
          return await this.complete(course);
        }
        await this.runStep(course, step);
        if (index < steps.length - 1 && inputs.stepPauseMs > 0) {
          await this.step(`paused at ${label}`, () => (this.env.sleep ?? realSleep)(inputs.stepPauseMs), () => `step-pause ${inputs.stepPauseMs / 1000}s`);
        }
      }
      if (steps.length === 0) return course.pause ? this.paused(course) : await this.complete(course);
    } catch (error) {
      // Post-checks at 100 failed: already switched back, or the switch back did not land (say so, as it is).
      if (this.outcome.rolledBack || error instanceof BrokenReleaseLive) throw error;
      const reason = (error as Error).message;
      await this.undo(course, 'failed');
      throw new Error(`Canary aborted at ${label}: ${reason} — ${course.live ? `${course.live} serves every request` : 'nothing was switched'}`, { cause: error });
    }
  }

  /** One step below 100: the new colour up and ready first, then the old one down — capacity never below `total`. */
  private async runStep(course: Course, step: WeightStep): Promise<void> {
    const { inputs } = this.env;
    const report: StepReport = { weight: step.weight, newReplicas: step.newReplicas, oldReplicas: step.oldReplicas, checks: '-', analysis: '-' };
    this.outcome.steps.push(report);
    await this.step(`step ${step.weight}%`, async () => {
      await this.scale(course.next, step.newReplicas);
      // Recorded before the old colour or the Service change: a run killed from here on leaves a
      // canary the next run finds under way (and resumes or aborts), never a Service without a colour and no record.
      course.record = { ...course.record, weight: step.weight };
      await this.writeRecord(course.next, course.record);
      await this.waitAvailable(course.next);
      if (course.live) await this.scale(course.live, step.oldReplicas);
      // Both colours behind the Service: its selector loses the colour (pods not ready get no traffic).
      if (this.service?.spec?.selector?.[COLOR_LABEL]) {
        this.service = await switchTraffic(this.cluster, { namespace: inputs.namespace, service: inputs.service, selector: baseSelector(this.service.spec.selector), annotations: {} });
      }
    }, () => `${deploymentName(inputs.app, course.next)} ${step.newReplicas}, ${course.live ? `${deploymentName(inputs.app, course.live)} ${step.oldReplicas}` : 'no old colour'} → ${step.weight}% served by the new release`);
    this.outcome.weight = step.weight;
    if (inputs.checks.length) {
      report.checks = 'failed';
      await this.step(`checks at ${step.weight}%`, () => this.gate(course.manifests.service, course.next), (detail) => detail);
      report.checks = 'passed';
    }
    await this.analyseStep(course, report);
  }

  /**
   * The step's analysis (`analysis`: metrics against thresholds), after its checks and before
   * step-pause; a result other than successful throws, and the canary is aborted as for failed checks.
   * A first release has no live version to share traffic with, so it has no steps to judge.
   */
  private async analyseStep(course: Course, report: StepReport): Promise<void> {
    const analysis = analysisOf(this.inputs.analyses, 'analysis');
    if (!analysis) {
      report.analysis = 'not configured';
      return;
    }
    if (!course.live) return;
    const values = { app: this.inputs.app, namespace: this.inputs.namespace, color: course.next, 'live-color': course.live, revision: String(course.record.revision) };
    try {
      await this.judge(`analysis at ${report.weight}%`, analysis, values);
    } finally {
      report.analysis = this.outcome.analysisRuns.at(-1)?.result.phase ?? 'error';
    }
  }

  private async paused(course: Course): Promise<void> {
    // Both releases serve: the outputs name the one this canary deploys, and the one it replaces.
    const live = course.live ? decodeRelease(await this.getColor(course.live)) : undefined;
    Object.assign(this.outcome, { result: 'paused', activeColor: course.live ?? 'none', revision: String(course.record.revision), previousRevision: String(live?.revision ?? '') });
    await this.setResult(course.record.revision, 'paused');
    this.note(`Paused at ${this.outcome.weight}%: ${deploymentName(this.inputs.app, course.next)} serves ${this.outcome.weight}% of requests until mode promote (or abort)`);
  }

  /** 100: the new colour at `total`, checked, the Service on it alone, post-checks; then the old colour goes after the delay. */
  private async complete(course: Course): Promise<void> {
    const { inputs } = this.env;
    const report: StepReport = { weight: 100, newReplicas: course.total, oldReplicas: 0, checks: '-', analysis: '-' };
    this.outcome.steps.push(report);
    await this.step('step 100%', async () => {
      await this.scale(course.next, course.total);
      await this.waitAvailable(course.next);
    }, () => `${deploymentName(inputs.app, course.next)} ${course.total}`);
    if (inputs.checks.length && (course.manifests.service || this.service)) {
      report.checks = 'failed';
      await this.step('checks at 100%', () => this.gate(course.manifests.service, course.next), (detail) => detail);
      report.checks = 'passed';
    }
    await this.analyseStep(course, report);
    const liveDeployment = course.live ? await this.getColor(course.live) : undefined;
    this.outcome.previousImage = this.imageOf(liveDeployment);
    this.outcome.previousRevision = String(decodeRelease(liveDeployment)?.revision ?? decodeRelease(this.before)?.revision ?? '');
    const stable = course.manifests.service ?? this.service;
    let switched: ReleaseRecord = { ...course.record, weight: 100, stage: 'switched-unchecked' };
    if (stable) {
      await this.step('switched', async () => {
        this.service = await switchTraffic(this.cluster, {
          namespace: inputs.namespace,
          service: inputs.service,
          selector: colorSelector(baseSelector(stable.spec?.selector), course.next),
          manifest: course.manifests.service,
          annotations: this.liveAnnotations(course.next, course.image, course.live, course.record.digest, switched),
        });
      }, () => `${inputs.service} → ${course.next}`);
    }
    await this.writeRecord(course.next, switched);
    Object.assign(this.outcome, { activeColor: course.next, previousColor: course.live ?? 'none', promoted: true, weight: 100, revision: String(course.record.revision) });
    const postUrl = inputs.liveUrl ?? (this.service ? this.proxyUrl(this.service) : undefined);
    try {
      // Traffic moves when the endpoints do: checks and the scale-down wait for them.
      if (stable) await this.awaitEndpoints(this.postChecksViaProxy);
      if (inputs.postChecks.length && postUrl) await this.step('checked', () => this.check('post-checks', inputs.postChecks, postUrl, Boolean(inputs.liveUrl)), () => `${inputs.postChecks.length} post-check(s) passed`);
    } catch (error) {
      const reason = (error as Error).message;
      await this.step('rolled back', () => this.undo(course, 'failed', reason), () => `${course.live ?? 'nothing'} serves again`);
      Object.assign(this.outcome, { promoted: false, rolledBack: true });
      throw new Error(`${reason} — traffic switched back to ${course.live ?? 'nothing'}`, { cause: error });
    }
    if (inputs.postChecks.length && !postUrl) {
      this.note('post-checks skipped: no Service and no live-url to run them against');
    }
    switched = { ...switched, stage: 'checked' };
    if (this.service) this.service = await this.cluster.mergePatch(this.serviceRef, { metadata: { annotations: { [ANNOTATIONS.release]: encodeRelease(switched) } } });
    await this.writeRecord(course.next, switched);
    await this.setResult(course.record.revision, 'promoted');
    // The HPA moves to the new colour; the old one's is let go (its colour is going to zero).
    for (const hpa of course.manifests.hpas) await this.cluster.apply(coloredHpa(hpa, inputs.app, course.next, inputs.namespace));
    this.outcome.result = 'promoted';
    if (course.live) {
      await this.releaseHpas(course.live);
      await this.scaleDownLater(course.live);
    }
  }

  /**
   * Back to the old release: the old colour to `total` and ready, the Service on it alone, the new
   * colour to zero. `reason`: why a release that went live is undone — its switch back must land (mustSwitchBack).
   */
  private async undo(course: Course, result: 'failed' | 'aborted', reason?: string): Promise<void> {
    const { inputs } = this.env;
    const broken = { image: course.image, color: course.next, reason: reason ?? result };
    if (course.live) {
      const live = course.live;
      await this.scale(live, course.total);
      await this.waitAvailable(live);
      const service = await this.cluster.get(this.serviceRef);
      if (service) {
        const wasSwitched = selectedColor(service) === course.next;
        const selector = colorSelector(baseSelector(service.spec?.selector), live);
        const write = (cluster: Cluster) => switchTraffic(cluster, { namespace: inputs.namespace, service: inputs.service, selector, annotations: wasSwitched && this.before ? restoreAnnotations(this.before) : {} });
        this.service = wasSwitched && reason ? await this.mustSwitchBack(broken, { selector }, write) : await write(this.cluster);
        // The new colour goes to zero only once no endpoint sends it traffic.
        await this.awaitEndpoints(false).catch((wait: Error) => this.warn(`traffic may still reach ${course.next}: ${wait.message}`));
      }
      await this.releaseHpas(live);
    } else if (this.outcome.promoted && !this.before) {
      // A first release created the Service: without it nothing serves, as before.
      if (reason) await this.mustSwitchBack(broken, 'delete-service', (cluster) => cluster.delete(this.serviceRef));
      else await this.cluster.delete(this.serviceRef);
      this.service = undefined;
    }
    await this.scaleDownNow(course.next);
    await this.writeRecord(course.next, { ...course.record, stage: 'staged', weight: 0 });
    await this.setResult(course.record.revision, result);
    Object.assign(this.outcome, { result: 'aborted', weight: 0, activeColor: course.live ?? 'none', revision: String(decodeRelease(this.before)?.revision ?? '') });
  }

  private async promote(): Promise<void> {
    const canary = await this.locate();
    this.setColors(canary.live);
    if (!canary.running) throw new Error(`Nothing to promote: no canary of ${this.inputs.app} is under way; run mode deploy first`);
    if (this.inputs.image && this.inputs.image !== canary.running.image) {
      throw new Error(`The canary under way runs ${canary.running.image}, not ${this.inputs.image}: promote it or abort it first`);
    }
    await this.stepThrough(this.resumed(canary, this.manifestsOf(canary.running), false));
  }

  private async abortMode(): Promise<void> {
    const canary = await this.locate();
    this.setColors(canary.live);
    if (!canary.running) {
      Object.assign(this.outcome, { result: 'no-op', weight: 0 });
      this.note(`Nothing to abort: no canary of ${this.inputs.app} is under way`);
      return;
    }
    const course = this.resumed(canary, this.manifestsOf(canary.running), false);
    await this.step('aborted', () => this.undo(course, 'aborted'), () => `${deploymentName(this.inputs.app, canary.next)} → 0; ${canary.live} serves every request`);
  }

  /** A canary's manifests: this run's, or those its revision recorded. */
  private manifestsOf(record: ReleaseRecord): AppManifests {
    if (this.release) return this.release.manifests;
    const entry = this.history.find((e) => e.revision === record.revision);
    if (!entry) throw new Error(`Revision ${record.revision} is no longer in the history: give the manifests`);
    return releaseOf(unpackManifests(entry.manifests), { ...this.inputs, image: record.image }).manifests;
  }

  private async rollback(): Promise<void> {
    const { inputs } = this.env;
    const canary = await this.locate();
    if (canary.running) throw new Error(`A canary of revision ${canary.running.revision} is under way: abort it (mode abort) instead of rolling back`);
    this.setColors(canary.live);
    const live = canary.live ? decodeRelease(canary.liveDeployment) : undefined;
    const other = canary.live ? canary.next : undefined;
    const otherDeployment = canary.nextDeployment;
    const plan = planRollback({ history: this.history, live, other: other && otherDeployment ? { color: other, record: decodeRelease(otherDeployment), image: this.imageOf(otherDeployment) } : undefined }, inputs.revision);
    if (plan.kind === 'previous-color') throw new Error(`Cannot roll back: ${inputs.app} has no revision history to go by; roll it back with blue-green-deploy (mode rollback)`);
    if (plan.kind === 'redeploy') {
      this.note(`Rolling back to revision ${plan.target.revision} (${plan.target.image}) by deploying it again in steps`);
      await this.deploy(releaseOf(unpackManifests(plan.target.manifests), { ...inputs, image: plan.target.image }), false, plan.target);
    } else {
      await this.switchBack(canary.live!, plan.color, canary.liveDeployment);
    }
    if (this.outcome.promoted && live) {
      await this.setResult(live.revision, 'rolled-back');
      this.outcome.rolledBack = true;
    }
  }

  /** The fast rollback: the previous colour, still holding the release to go back to, takes everything back at once. */
  private async switchBack(live: Color, previous: Color, liveDeployment: KubeObject | undefined): Promise<void> {
    const { inputs } = this.env;
    const name = deploymentName(inputs.app, previous);
    const total = Math.max(1, liveDeployment?.spec?.replicas ?? 1);
    this.outcome.deployment = name;
    const target = await this.getColor(previous);
    this.outcome.image = this.imageOf(target);
    await this.step('scaled up', async () => {
      await this.scale(previous, Math.max(total, target?.spec?.replicas ?? 0));
      await this.waitAvailable(previous);
    }, () => `${name} → ${total} replica(s)`);
    const record = { ...decodeRelease(target)!, stage: 'checked' as const };
    this.outcome.previousImage = this.imageOf(liveDeployment);
    this.outcome.previousRevision = String(decodeRelease(liveDeployment)?.revision ?? '');
    if (this.service) {
      await this.step('switched', async () => {
        this.service = await switchTraffic(this.cluster, {
          namespace: inputs.namespace,
          service: inputs.service,
          selector: colorSelector(baseSelector(this.service!.spec?.selector), previous),
          annotations: this.liveAnnotations(previous, record.image, live, record.digest, record),
        });
      }, () => `${inputs.service} → ${previous}`);
      await this.awaitEndpoints(false);
    }
    await this.cluster.mergePatch(this.deploymentRef(previous), { metadata: { annotations: { [ANNOTATIONS.scaleDownAt]: null } } });
    Object.assign(this.outcome, { activeColor: previous, previousColor: live, promoted: true, result: 'promoted', weight: 100, revision: String(record.revision) });
    await this.scaleDownLater(live);
  }

  /** Post-checks a later run ran on a release switched to by a killed run failed: the previous colour takes everything back. */
  protected async switchBackUnchecked(failed: Color, previous: Color): Promise<void> {
    await this.switchBack(failed, previous, await this.getColor(failed));
    Object.assign(this.outcome, { promoted: false, rolledBack: true, result: 'aborted' });
  }

  /** Holds a colour's HPAs (both directions disabled, their own behaviour kept), so none undoes a step. */
  private async holdHpas(color: Color): Promise<void> {
    for (const hpa of await this.colorHpas(color)) {
      if (hpa.metadata.annotations?.[HELD] !== undefined) continue;
      await this.cluster.mergePatch(this.hpaRef(hpa), {
        metadata: { annotations: { [HELD]: JSON.stringify(hpa.spec?.behavior ?? null) } },
        spec: { behavior: { scaleUp: { selectPolicy: 'Disabled' }, scaleDown: { selectPolicy: 'Disabled' } } },
      });
    }
  }

  private async releaseHpas(color: Color): Promise<void> {
    for (const hpa of await this.colorHpas(color)) {
      const held = hpa.metadata.annotations?.[HELD];
      if (held === undefined) continue;
      await this.cluster.mergePatch(this.hpaRef(hpa), { spec: { behavior: null } });
      await this.cluster.mergePatch(this.hpaRef(hpa), { metadata: { annotations: { [HELD]: null } }, spec: { behavior: JSON.parse(held) } });
    }
  }

  private colorHpas(color: Color): Promise<KubeObject[]> {
    return this.cluster.list('autoscaling/v2', 'HorizontalPodAutoscaler', this.inputs.namespace, `${APP_LABEL}=${this.inputs.app},${COLOR_LABEL}=${color}`);
  }

  private hpaRef(hpa: KubeObject) {
    return { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', name: hpa.metadata.name, namespace: this.inputs.namespace };
  }
}

export function runCanary(env: DeployEnvironment<CanaryInputs>): Promise<CanaryOutcome> {
  return new CanaryDeploy(env).run() as Promise<CanaryOutcome>;
}

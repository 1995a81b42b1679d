/**
 * What both deploy strategies do the same way, on one run: the lock, the overdue scale-downs of
 * earlier runs, staging a colour, checks (through a preview Service, the API proxy or a URL), the
 * revision history, the scale-down deadline, and the outcome every report reads. A strategy
 * (blue-green-deploy's, canary-deploy's) extends it with its modes.
 */
import { analyse, type AnalysisResult, type AnalysisSpec } from '../analysis/index.js';
import type { TemplateValues } from '../analysis/template.js';
import type { AwsCredentials } from '../aws/credentials.js';
import { runChecks, type CheckRun } from '../checks.js';
import type { AnalysisInput } from './analysis.js';
import type { Check } from '../check-spec.js';
import { sleep as realSleep, type Sleep } from '../retry.js';
import { ANNOTATIONS, auditAnnotations, deadlineAnnotation, decodeRelease, encodeRelease, scaleDownDeadline, type ReleaseRecord, type RunInfo, type Strategy } from './annotations.js';
import { nextRevision, packManifests, updateHistory, type RevisionEntry, type RevisionResult } from './history.js';
import { COLORS, readAppState, type AppState } from './state.js';
import type { DeployInputs } from './inputs.js';
import { waitEndpoints } from './endpoints.js';
import type { Cluster, RetryPolicy } from './kube.js';
import { acquireLock, type Lock } from './lock.js';
import type { AppManifests } from './manifests.js';
import { APP_LABEL, COLOR_LABEL, selectorPatch, cleanForApply, coloredDeployment, coloredHpa, coloredPdb, deploymentImage, deploymentName, otherColor, previewService, selectedColor, type Color, type KubeObject } from './model.js';
import { pendingScaleDownWait, planRecovery, type Recovery } from './recovery.js';
import { analysisOf } from './analysis.js';
import type { Prepared, Release } from './release.js';
import { scaleDeployment, waitAvailable } from './rollout.js';
import { Timeline } from './timeline.js';

export interface DeployEnvironment<I extends DeployInputs = DeployInputs> {
  cluster: Cluster;
  inputs: I;
  /** The manifests and pre-deploy Job, read before connecting. */
  prepared: Prepared;
  run: RunInfo;
  /** Lock holder identity: unique per run and process. */
  holder: string;
  log: (line: string) => void;
  notice: (line: string) => void;
  /** A `::warning::`: something went wrong that does not make the run fail (a scale-down after a checked switch). */
  warning?: (line: string) => void;
  sleep?: Sleep;
  /** The switch-back's retry budget (default SWITCH_BACK_RETRY's 60 s): shorter only in tests, never an input. */
  switchBackBudgetMs?: number;
  /** The credentials of role-to-assume (through GitHub OIDC), for analyses signed with SigV4. */
  awsCredentials?: () => Promise<AwsCredentials>;
}

/** One analysis as it ran: what the summary shows and the outputs read. */
export interface AnalysisRun {
  title: string;
  input: string;
  spec: AnalysisSpec;
  result: AnalysisResult;
}

export interface Outcome {
  activeColor: string;
  previousColor: string;
  promoted: boolean;
  rolledBack: boolean;
  deployment: string;
  image: string;
  previousImage: string;
  /** The history revision that serves at the end ('' when none is recorded). */
  revision: string;
  previousRevision: string;
  timeline: Timeline;
  notes: string[];
  /** Why the run failed; undefined when it did what was asked. */
  failure?: string;
  checkRuns: Array<{ label: string; run: CheckRun }>;
  analysisRuns: AnalysisRun[];
  /** The history as the run left it, newest last. */
  history: RevisionEntry[];
}

/** Attempts and waits of the gate's checks: enough to ride out a slow first answer, short enough to fail fast. */
const CHECK_POLICY = { attempts: 3, retryDelayMs: 1_000, timeoutMs: 10_000, deadlineMs: 120_000, concurrency: 8 };

/**
 * The switch back after a failed post-check is the one write that must land: while it does not,
 * the broken release serves. It retries (honouring Retry-After) for up to a minute, where any
 * other write gives up after about 3 s.
 */
export const SWITCH_BACK_BUDGET_MS = 60_000;
export const SWITCH_BACK_RETRY: RetryPolicy = { attempts: Number.MAX_SAFE_INTEGER, budgetMs: SWITCH_BACK_BUDGET_MS, baseMs: 500, capMs: 5_000 };

/** A switch back that did not land: the broken release serves. Nothing may try to undo it again as if it had not gone live. */
export class BrokenReleaseLive extends Error {
  override name = 'BrokenReleaseLive';
}

export const isStaged = (deployment: KubeObject | undefined) => deployment?.metadata.annotations?.[ANNOTATIONS.staged] === 'true';

export abstract class DeploySession<I extends DeployInputs = DeployInputs> {
  readonly outcome: Outcome;
  protected service?: KubeObject;
  protected readonly serviceRef;
  protected history: RevisionEntry[] = [];
  /** When the run started: the scale-down wait is bounded by what is left of the run's own bound. */
  protected readonly startedAt = Date.now();

  constructor(
    protected readonly env: DeployEnvironment<I>,
    protected readonly strategy: Strategy,
  ) {
    this.outcome = { activeColor: 'none', previousColor: 'none', promoted: false, rolledBack: false, deployment: '', image: '', previousImage: '', revision: '', previousRevision: '', timeline: new Timeline(env.log), notes: [], checkRuns: [], analysisRuns: [], history: [] };
    this.serviceRef = { apiVersion: 'v1', kind: 'Service', name: env.inputs.service, namespace: env.inputs.namespace };
  }

  protected get inputs(): I {
    return this.env.inputs;
  }

  protected get cluster(): Cluster {
    return this.env.cluster;
  }

  protected get step() {
    const timeline = this.outcome.timeline;
    return timeline.step.bind(timeline);
  }

  protected get release(): Release | undefined {
    return this.env.prepared.release;
  }

  protected deploymentRef(color: Color) {
    return { apiVersion: 'apps/v1', kind: 'Deployment', name: deploymentName(this.inputs.app, color), namespace: this.inputs.namespace };
  }

  protected getColor(color: Color): Promise<KubeObject | undefined> {
    return this.cluster.get(this.deploymentRef(color));
  }

  /** Reads the app's state once; the outcome starts from what serves. */
  protected async readState(): Promise<AppState> {
    const { inputs } = this.env;
    const state = await readAppState(this.cluster, inputs.namespace, inputs.app, inputs.service);
    this.service = state.service as KubeObject | undefined;
    this.history = state.history;
    this.outcome.activeColor = state.serving ?? 'none';
    this.outcome.previousColor = this.service?.metadata.annotations?.[ANNOTATIONS.previousColor] ?? 'none';
    if (state.live) this.outcome.revision = String(state.live.revision);
    return state;
  }

  protected abstract runMode(): Promise<void>;

  async run(): Promise<Outcome> {
    let lock: Lock | undefined;
    try {
      const { inputs } = this.env;
      lock = await this.step('lock', () => acquireLock(this.cluster, inputs.namespace, inputs.app, this.env.holder, inputs.lockTimeoutMs, this.env.log), (l) => `held as ${l.holder}`);
      const state = await this.readState();
      await this.scaleDownOverdue(state);
      await this.recover(planRecovery(state, inputs.mode));
      await this.runMode();
      await this.finishPendingScaleDown();
    } catch (error) {
      this.outcome.failure = (error as Error).message;
      // Whatever went wrong, report the colour that really serves now.
      const service = await this.cluster.get(this.serviceRef).catch(() => this.service);
      // A Service selecting no colour (a canary between steps, a migration) keeps what the run said.
      this.outcome.activeColor = selectedColor(service) ?? (service ? this.outcome.activeColor : 'none');
    } finally {
      await lock?.release().catch(() => undefined);
    }
    this.outcome.history = this.history;
    return this.outcome;
  }

  /** A colour whose scale-down deadline passed while no run was there (a cancelled job) goes to zero now, unless it serves. */
  protected async scaleDownOverdue(state: AppState): Promise<void> {
    for (const color of COLORS) {
      const deadline = state.colors[color].scaleDownAt;
      if (deadline === undefined) continue;
      if (color === state.serving) {
        // It serves again (a rollback brought it back): the deadline no longer applies.
        await this.cluster.mergePatch(this.deploymentRef(color), { metadata: { annotations: deadlineAnnotation(null) } });
        continue;
      }
      if (deadline > Date.now()) continue;
      await this.step('overdue scale-down', async () => {
        await this.scaleDownNow(color);
        await this.markScaledDown();
      }, () => `${deploymentName(this.inputs.app, color)} → 0 replicas (due ${new Date(deadline).toISOString()}, left by an earlier run)`);
    }
  }

  /** Undoes a switch to `failed` whose post-checks failed on a later run: `previous` serves again, as the strategy's own rollback does it. */
  protected abstract switchBackUnchecked(failed: Color, previous: Color): Promise<void>;

  /** First, whatever the mode: finishes or undoes what a run killed after its switch left (see recovery.ts). */
  protected async recover(plan: Recovery): Promise<void> {
    if (plan.kind === 'none') return;
    const { inputs } = this.env;
    const { color, record } = plan;
    Object.assign(this.outcome, { activeColor: color, deployment: deploymentName(inputs.app, color), image: record.image, revision: String(record.revision) });
    if (plan.kind === 'finish-checked') {
      this.note(`Finishing revision ${record.revision} on ${color}, checked by a run that ended before it was done`);
      if (plan.markColor) await this.writeRecord(color, { ...record, stage: 'checked' });
      if (plan.markHistory) await this.setResult(record.revision, 'promoted');
      if (plan.scaleDown) await this.scaleDownLater(plan.scaleDown);
      return;
    }
    const { previous } = plan;
    this.outcome.previousColor = previous ?? 'none';
    this.note(`Revision ${record.revision} (${record.image}) serves on ${color}, but the run that switched to it ended before its post-checks: running them now`);
    try {
      if (inputs.postChecks.length) await this.step('checked', () => this.check('post-checks', inputs.postChecks, inputs.liveUrl ?? this.proxyUrl(this.service!), Boolean(inputs.liveUrl)), () => `${inputs.postChecks.length} post-check(s) passed`);
      const post = analysisOf(inputs.analyses, 'post-promotion-analysis');
      if (post) await this.judge('post-promotion analysis', post, { app: inputs.app, namespace: inputs.namespace, color, 'live-color': previous ?? '', revision: String(record.revision) });
    } catch (error) {
      const reason = (error as Error).message;
      if (!previous) throw new Error(`${reason} — revision ${record.revision} stays live on ${color}: there is no previous colour to switch back to`, { cause: error });
      await this.step('rolled back', () => this.switchBackUnchecked(color, previous), () => `${inputs.service} → ${previous}`);
      await this.setResult(record.revision, 'failed');
      throw new Error(`${reason} — traffic switched back to ${previous}`, { cause: error });
    }
    await this.markChecked(color, record);
    this.outcome.promoted = true;
    if (previous) await this.scaleDownLater(previous);
  }

  /** The switched release passed its post-checks: the Service, the colour and the history say so. */
  protected async markChecked(color: Color, record: ReleaseRecord): Promise<void> {
    const checked = encodeRelease({ ...record, stage: 'checked' });
    this.service = await this.cluster.mergePatch(this.serviceRef, { metadata: { annotations: { [ANNOTATIONS.release]: checked } } });
    await this.writeRecord(color, { ...record, stage: 'checked' });
    await this.setResult(record.revision, 'promoted');
  }

  /**
   * Last, when the run did what was asked: a scale-down an earlier run scheduled and did not live
   * to do is waited for and done, when it falls within this run's bound (`rollout-timeout` from its start).
   */
  protected async finishPendingScaleDown(): Promise<void> {
    const serving = selectedColor(await this.cluster.get(this.serviceRef));
    if (!serving) return;
    const color = otherColor(serving);
    const deadline = scaleDownDeadline(await this.getColor(color));
    const wait = pendingScaleDownWait(deadline, Date.now(), this.startedAt + this.inputs.rolloutTimeoutMs);
    if (wait === undefined) return;
    await this.step('scaled down', async () => {
      await (this.env.sleep ?? realSleep)(wait);
      await this.scaleDownNow(color);
      await this.markScaledDown();
    }, () => `${deploymentName(this.inputs.app, color)} → 0 replicas (scheduled for ${new Date(deadline!).toISOString()} by an earlier run)`);
  }

  protected async scaleDownNow(color: Color): Promise<void> {
    await this.cluster.mergePatch(this.deploymentRef(color), { metadata: { annotations: deadlineAnnotation(null) }, spec: { replicas: 0 } });
  }

  /** The colour a checked release replaced is at zero: its record (on the Service and its colour) says `scaled-down`. */
  protected async markScaledDown(): Promise<void> {
    const service = await this.cluster.get(this.serviceRef);
    const record = decodeRelease(service);
    if (!service || record?.stage !== 'checked') return;
    this.service = await this.cluster.mergePatch(this.serviceRef, { metadata: { annotations: { [ANNOTATIONS.release]: encodeRelease({ ...record, stage: 'scaled-down' }) } } });
    const color = selectedColor(service);
    const own = color ? decodeRelease(await this.getColor(color)) : undefined;
    if (color && own?.revision === record.revision) await this.writeRecord(color, { ...own, stage: 'scaled-down' });
  }

  /**
   * The colour that no longer serves goes to zero after `scale-down-delay`. The deadline is written
   * on it first, so a run cancelled while it waits leaves it for the next run (of either action) to
   * finish; this run waits at most what is left of its own bound (`rollout-timeout` from its start).
   */
  protected async scaleDownLater(color: Color): Promise<void> {
    try {
      await this.scaleDownAfterDelay(color);
    } catch (error) {
      // The new release is checked and serves: a colour left running is no reason to fail (and have a rollback job revert it).
      const name = deploymentName(this.inputs.app, color);
      this.warn(`The release is live and checked, but ${name} was not scaled down: ${(error as Error).message}. It keeps running; scale it down with: kubectl scale deployment ${name} -n ${this.inputs.namespace} --replicas=0`);
    }
  }

  private async scaleDownAfterDelay(color: Color): Promise<void> {
    const { inputs } = this.env;
    const name = deploymentName(inputs.app, color);
    if (inputs.scaleDownDelayMs === undefined) {
      this.note(`${name} keeps running (scale-down-delay: never)`);
      return;
    }
    const delay = inputs.scaleDownDelayMs;
    const due = Date.now() + delay;
    await this.cluster.mergePatch(this.deploymentRef(color), { metadata: { annotations: deadlineAnnotation(due) } });
    const left = Math.max(0, this.startedAt + inputs.rolloutTimeoutMs - Date.now());
    if (delay > left) {
      this.note(`${name} is scaled to zero at ${new Date(due).toISOString()} (scale-down-delay) by the next run of this app; this run does not wait that long`);
      return;
    }
    if (delay > 0) this.env.log(`Keeping ${name} for ${delay / 1000}s (scale-down-delay) for an instant rollback`);
    await this.step('scaled down', async () => {
      await (this.env.sleep ?? realSleep)(delay);
      await this.scaleDownNow(color);
      await this.markScaledDown();
    }, () => `${name} → 0 replicas`);
  }

  /**
   * After the stable Service's selector changed: waits until its EndpointSlices (and, when checks
   * go through the API server's proxy next, its Endpoints) list only the pods it now selects —
   * before any check judges the release and before any colour is scaled down (endpoints.ts).
   */
  protected async awaitEndpoints(viaProxy: boolean): Promise<void> {
    const selector = this.service?.spec?.selector;
    if (!selector || Object.keys(selector).length === 0) return;
    const { inputs } = this.env;
    await this.step('endpoints', () => waitEndpoints(this.cluster, { namespace: inputs.namespace, service: inputs.service, selector, viaProxy, timeoutMs: inputs.rolloutTimeoutMs }), (detail) => detail);
  }

  /** Post-checks that go through the API server's proxy (no live-url): its Endpoints must have followed the switch. */
  protected get postChecksViaProxy(): boolean {
    return this.inputs.postChecks.length > 0 && !this.inputs.liveUrl;
  }

  /**
   * Runs the switch back of a release that failed after it went live, with SWITCH_BACK_RETRY's
   * budget. If it still fails, the error says first that the broken release serves, and how to
   * send traffic back by hand.
   */
  protected async mustSwitchBack<T>(broken: { image: string; color: string; reason: string }, restore: { selector: Record<string, string> } | 'delete-service', write: (cluster: Cluster) => Promise<T>): Promise<T> {
    const { inputs } = this.env;
    const budgetMs = this.env.switchBackBudgetMs ?? SWITCH_BACK_BUDGET_MS;
    try {
      return await write(this.cluster.withRetry({ ...SWITCH_BACK_RETRY, budgetMs }));
    } catch (error) {
      const live = (await this.cluster.get(this.serviceRef).catch(() => undefined)) ?? this.service;
      const command =
        restore === 'delete-service'
          ? `kubectl delete service ${inputs.service} -n ${inputs.namespace}`
          : `kubectl patch service ${inputs.service} -n ${inputs.namespace} --type merge -p '${JSON.stringify({ spec: { selector: selectorPatch(live?.spec?.selector, restore.selector) } })}'`;
      throw new BrokenReleaseLive(
        `The broken release ${broken.image} is LIVE on ${broken.color}: ${broken.reason}, and the switch back failed for ${Math.round(budgetMs / 1000)}s (${(error as Error).message}). Restore traffic now: ${command}`,
        { cause: error },
      );
    }
  }

  protected warn(line: string): void {
    this.outcome.notes.push(`⚠️ ${line}`);
    (this.env.warning ?? this.env.notice)(line);
  }

  /** Applies the release as colour `color`: the other objects, the coloured Deployment (with its release record), and, unless held, its HPAs and PDBs. */
  protected async applyColor(manifests: AppManifests, color: Color, image: string, replicas: number, record: ReleaseRecord, options: { hpas?: boolean } = {}): Promise<void> {
    const { cluster, inputs } = this.env;
    // Staged again, it serves soon: a deadline left from when it was replaced no longer applies.
    if (scaleDownDeadline(await this.getColor(color)) !== undefined) await cluster.mergePatch(this.deploymentRef(color), { metadata: { annotations: deadlineAnnotation(null) } });
    for (const object of manifests.others) {
      const clean = cleanForApply(object);
      await cluster.apply({ ...clean, metadata: { ...clean.metadata, namespace: clean.metadata.namespace ?? inputs.namespace } });
    }
    const deployment = coloredDeployment(manifests.deployment, { app: inputs.app, color, namespace: inputs.namespace, image, container: inputs.container, replicas });
    deployment.metadata.annotations = { ...deployment.metadata.annotations, [ANNOTATIONS.manifestsHash]: record.digest, [ANNOTATIONS.release]: encodeRelease(record) };
    await cluster.apply(deployment);
    if (options.hpas !== false) for (const hpa of manifests.hpas) await cluster.apply(coloredHpa(hpa, inputs.app, color, inputs.namespace));
    for (const pdb of manifests.pdbs) await cluster.apply(coloredPdb(pdb, inputs.app, color, inputs.namespace));
  }

  protected async writeRecord(color: Color, record: ReleaseRecord): Promise<void> {
    await this.cluster.mergePatch(this.deploymentRef(color), { metadata: { annotations: { [ANNOTATIONS.release]: encodeRelease(record) } } });
  }

  /** Runs `checks` against `color` through its preview Service: `preview-url`, or the API server's proxy. */
  protected async gate(stable: KubeObject | undefined, color: Color): Promise<string> {
    const { cluster, inputs } = this.env;
    const base = stable ?? this.service;
    if (!base && inputs.previewUrl) {
      // A worker has no Service to copy: the checks go to preview-url alone.
      await this.check('checks', inputs.checks, inputs.previewUrl, true);
      return `${inputs.checks.length} check(s) passed on ${color} via preview-url`;
    }
    if (!base) throw new Error(`checks need preview-url or a Service to copy ports from: ${inputs.service} is neither in the manifests nor in the cluster`);
    const preview = await cluster.apply(previewService(base, inputs.previewService, inputs.app, color, inputs.namespace));
    await this.check('checks', inputs.checks, inputs.previewUrl ?? this.proxyUrl(preview), Boolean(inputs.previewUrl));
    return `${inputs.checks.length} check(s) passed on ${color} via ${inputs.previewUrl ? 'preview-url' : `the API proxy to ${inputs.previewService}`}`;
  }

  protected proxyUrl(service: KubeObject): string {
    const port = service.spec?.ports?.[0];
    const target = port ? `${service.metadata.name}:${port.name ?? port.port}` : service.metadata.name;
    return `${this.cluster.connection.server}/api/v1/namespaces/${service.metadata.namespace ?? this.inputs.namespace}/services/${target}/proxy`;
  }

  protected async check(label: string, checks: Check[], baseUrl: string, direct: boolean): Promise<void> {
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

  /**
   * Runs an analysis as a step of the timeline, one log line per measurement. Anything but
   * `successful` throws, so the strategy undoes the release as it does for failed checks.
   */
  protected async judge(title: string, analysis: AnalysisInput, values: TemplateValues): Promise<void> {
    await this.step(title, async () => {
      const result = await analyse(analysis.spec, analysis.access, { values, credentials: this.env.awsCredentials, log: this.env.log, sleep: this.env.sleep });
      this.outcome.analysisRuns.push({ title, input: analysis.input, spec: analysis.spec, result });
      if (result.phase !== 'successful') throw new Error(`${analysis.input} ${result.phase}: ${result.reason}`);
      return result;
    }, (result) => `${result.measurements.length} measurement(s), all successful`);
  }

  protected async removeColor(color: Color): Promise<void> {
    const { cluster, inputs } = this.env;
    await cluster.delete(this.deploymentRef(color));
    const selector = `${APP_LABEL}=${inputs.app},${COLOR_LABEL}=${color}`;
    for (const [apiVersion, kind] of [['autoscaling/v2', 'HorizontalPodAutoscaler'], ['policy/v1', 'PodDisruptionBudget']]) {
      for (const object of await cluster.list(apiVersion, kind, inputs.namespace, selector)) {
        await cluster.delete({ apiVersion, kind, name: object.metadata.name, namespace: inputs.namespace });
      }
    }
  }

  protected scale(color: Color, replicas: number): Promise<void> {
    return scaleDeployment(this.cluster, this.inputs.namespace, deploymentName(this.inputs.app, color), replicas);
  }

  protected waitAvailable(color: Color): Promise<KubeObject> {
    return waitAvailable(this.cluster, this.inputs.namespace, deploymentName(this.inputs.app, color), this.inputs.rolloutTimeoutMs);
  }

  /** Records a new revision (result `staged`) of `release` as colour `color`; returns its record. */
  protected async recordRevision(release: Release, color: Color, from?: number): Promise<ReleaseRecord> {
    const { inputs, run } = this.env;
    let record: ReleaseRecord | undefined;
    this.history = await updateHistory(this.cluster, inputs.namespace, inputs.app, (entries) => {
      const revision = nextRevision(entries);
      record = { revision, from: from ?? revision, image: release.image, digest: release.digest, strategy: this.strategy, color, stage: 'staged' };
      const entry: RevisionEntry = {
        revision,
        from: record.from,
        image: release.image,
        digest: release.digest,
        strategy: this.strategy,
        color,
        time: new Date().toISOString(),
        runUrl: run.runUrl,
        result: 'staged',
        manifests: packManifests(release.objects),
      };
      return [...entries, entry];
    });
    return record!;
  }

  protected async setResult(revision: number, result: RevisionResult): Promise<void> {
    this.history = await updateHistory(this.cluster, this.inputs.namespace, this.inputs.app, (entries) => entries.map((entry) => (entry.revision === revision ? { ...entry, result } : entry)));
  }

  /**
   * The stable Service's annotations once `color` serves: the audit trail, where traffic came from
   * (what a fast rollback goes back to), the manifests digest and the release record.
   */
  protected liveAnnotations(color: Color, image: string, previous: Color | undefined, digest: string | null, record: ReleaseRecord | undefined): Record<string, string | null> {
    const before = this.service?.metadata.annotations ?? {};
    return {
      ...auditAnnotations(color, image, this.env.run),
      [ANNOTATIONS.previousColor]: previous ?? 'none',
      [ANNOTATIONS.previousImage]: this.outcome.previousImage,
      [ANNOTATIONS.previousRevision]: previous ? (before[ANNOTATIONS.revision] ?? '') : '',
      [ANNOTATIONS.manifestsHash]: digest,
      [ANNOTATIONS.release]: record ? encodeRelease(record) : null,
    };
  }

  /** The image a colour runs (the container input's, or the first). */
  protected imageOf(deployment: KubeObject | undefined): string {
    return deploymentImage(deployment, this.inputs.container) ?? '';
  }

  protected note(line: string): void {
    this.outcome.notes.push(line);
    this.env.notice(line);
  }
}

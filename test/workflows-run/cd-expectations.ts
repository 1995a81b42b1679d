/** What the CD scenarios expect: the job results of the CD template's run, and the Slack calls made. */
import type { World } from './world.js';

type Result = 'success' | 'failure' | 'skipped';

export interface CdOutcome {
  /** cd.yml's prepare job (validate-release on tags). Default success. */
  prepare?: Result;
  deploy: Result;
  promote: Result;
  rollback: Result;
  notify: Result;
  /** Whether the template's CI jobs built the images (mode deploy). */
  images: boolean;
  /** Whether the frontend's CD ran (it needs the backend's to succeed). Default true. */
  frontend?: boolean;
  /** Whether the release's moving tags were added (ci.yml with tag-digest, after cd.yml validated it). */
  tags?: boolean;
}

/** The jobs of ci.yml called only to add the moving tags: the tag job alone runs. */
function tagOnlyCall(app: string): Record<string, string> {
  const call = `${app}-tags/Sunday CI/${app}`;
  return {
    [`${call} · lint, types, tests, audit`]: 'skipped',
    [`${call} · image`]: 'skipped',
    [`${call} · image build linux/amd64,linux/arm64 (not pushed)`]: 'skipped',
    [`${call} · image linux/amd64`]: 'skipped',
    [`${call} · image linux/arm64`]: 'skipped',
    [`${call} · trivy fs`]: 'skipped',
    [`${call} · moving tags`]: 'success',
  };
}

/** Every job of the CD template's run (caller job / called workflow / job name) with its result. */
export function cdJobs(environment: string, outcome: CdOutcome): Record<string, string> {
  const jobs: Record<string, string> = { 'CD/plan': 'success' };
  for (const app of ['backend', 'frontend']) {
    if (!outcome.images) jobs[`CD/${app}-image`] = 'skipped';
    if (outcome.images) {
      Object.assign(jobs, {
        [`${app}-image/Sunday CI/${app} · lint, types, tests, audit`]: 'success',
        [`${app}-image/Sunday CI/${app} · image`]: 'success',
        // platform-strategy native only (the default, qemu, builds both platforms in one job)
        [`${app}-image/Sunday CI/${app} · image linux/amd64`]: 'skipped',
        [`${app}-image/Sunday CI/${app} · image linux/arm64`]: 'skipped',
        [`${app}-image/Sunday CI/${app} · trivy fs`]: 'skipped',
        // pull requests only
        [`${app}-image/Sunday CI/${app} · image build linux/amd64,linux/arm64 (not pushed)`]: 'skipped',
        // tag-digest only
        [`${app}-image/Sunday CI/${app} · moving tags`]: 'skipped',
      });
    }
    // The tag job runs after the app's CD: act reports it (skipped) only when that CD succeeded and
    // no release was validated; after a failed or skipped CD it reports nothing of it.
    const ran = app === 'backend' || outcome.frontend !== false;
    const succeeded = ran && (outcome.prepare ?? 'success') === 'success' && ![outcome.deploy, outcome.promote, outcome.rollback].includes('failure');
    if (outcome.tags) Object.assign(jobs, tagOnlyCall(app));
    else if (succeeded) jobs[`CD/${app}-tags`] = 'skipped';
    if (!ran) continue;
    Object.assign(jobs, {
      [`${app}/Sunday CD/Prepare ${app} for ${environment}`]: outcome.prepare ?? 'success',
      [`${app}/Sunday CD/Deploy ${app} to ${environment}`]: outcome.deploy,
      [`${app}/Sunday CD/Promote ${app} in ${environment}`]: outcome.promote,
      [`${app}/Sunday CD/Roll back ${app} in ${environment}`]: outcome.rollback,
      [`${app}/Sunday CD/Slack · result`]: outcome.notify,
    });
  }
  return jobs;
}

export interface SlackCall {
  method: string;
  /** The ts a chat.update names. */
  ts?: string;
  /** The ts Slack gave a posted message. */
  answerTs?: string;
  /** The message's text and blocks, to search in. */
  text: string;
}

/** The Web API calls Slack received since `from` (a count of requests), with the ts of each posted message. */
export function slackCalls(world: World, from: { requests: number; messages: number }): SlackCall[] {
  let posted = from.messages;
  return world.slack.requests.slice(from.requests).map((request) => {
    const method = request.path.replace('/api/', '');
    const call: SlackCall = { method, ts: request.json?.ts, text: JSON.stringify([request.json?.text, request.json?.blocks, request.json?.attachments]) };
    if (method === 'chat.postMessage') call.answerTs = world.slack.messages[posted++]?.ts;
    return call;
  });
}

export const slackMark = (world: World) => ({ requests: world.slack.requests.length, messages: world.slack.messages.length });

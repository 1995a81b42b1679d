export const id = 273;
export const ids = [273];
export const modules = {

/***/ 8273:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  executeSlackNotify: () => (/* binding */ executeSlackNotify)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 14 modules
var core = __webpack_require__(6421);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
;// CONCATENATED MODULE: ./actions/lib/run-context.ts
/**
 * The job's context read from the runner's variables and the event payload file — what
 * @actions/github's `context` gives, without loading Octokit.
 */

function readRunContext(env = process.env) {
    const eventPath = env.GITHUB_EVENT_PATH;
    let payload = {};
    if (eventPath && (0,external_node_fs_.existsSync)(eventPath)) {
        try {
            payload = JSON.parse((0,external_node_fs_.readFileSync)(eventPath, 'utf8'));
        }
        catch {
            payload = {}; // an unreadable payload only loses the event's own words
        }
    }
    const repository = env.GITHUB_REPOSITORY ?? '';
    const serverUrl = (env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/+$/, '');
    const sha = env.GITHUB_SHA ?? '';
    const runId = env.GITHUB_RUN_ID ?? '';
    return {
        repository,
        serverUrl,
        sha,
        ref: env.GITHUB_REF ?? '',
        refName: env.GITHUB_REF_NAME ?? '',
        refType: env.GITHUB_REF_TYPE ?? '',
        actor: env.GITHUB_ACTOR ?? '',
        workflow: env.GITHUB_WORKFLOW ?? '',
        job: env.GITHUB_JOB ?? '',
        runId,
        runNumber: env.GITHUB_RUN_NUMBER ?? '',
        runAttempt: env.GITHUB_RUN_ATTEMPT ?? '',
        eventName: env.GITHUB_EVENT_NAME ?? '',
        payload,
        runUrl: repository && runId ? `${serverUrl}/${repository}/actions/runs/${runId}` : '',
        commitUrl: repository && sha ? `${serverUrl}/${repository}/commit/${sha}` : '',
    };
}

;// CONCATENATED MODULE: ./actions/lib/secrets.ts
/** Secret masking: every secret is registered with the runner before any line that could show it. */

/** Registers a secret and the forms it may be printed in (URL-encoded; a URL's path and query). */
function maskSecret(value) {
    if (!value)
        return;
    const forms = new Set([value, encodeURIComponent(value)]);
    if (/^https?:\/\//i.test(value)) {
        try {
            const url = new URL(value);
            if (url.pathname.length > 1)
                forms.add(url.pathname + url.search);
        }
        catch {
            // not a URL after all: the whole value is masked already
        }
    }
    for (const form of forms)
        (0,core/* setSecret */.Pq)(form);
}

;// CONCATENATED MODULE: ./actions/lib/summary.ts
/** Job summary helpers: Markdown built as plain strings (readable in a terminal too), written once. */

/** A table cell: pipes escaped, line breaks kept as <br>. */
function cell(value) {
    return String(value ?? '')
        .replace(/\\/g, '\\\\')
        .replace(/\|/g, '\\|')
        .replace(/\r?\n/g, '<br>');
}
function table(headers, rows) {
    const lines = [`| ${headers.map(cell).join(' | ')} |`, `| ${headers.map(() => '---').join(' | ')} |`];
    for (const row of rows)
        lines.push(`| ${row.map(cell).join(' | ')} |`);
    return lines.join('\n');
}
function summary_link(text, url) {
    return url ? `[${text.replace(/[[\]]/g, '\\$&')}](${url})` : text;
}
/** Appends Markdown sections to the step summary (no-op outside a runner). */
async function writeSummary(...sections) {
    if (!process.env.GITHUB_STEP_SUMMARY)
        return;
    await core/* summary */.z.addRaw(sections.filter(Boolean).join('\n\n') + '\n', true).write();
}

// EXTERNAL MODULE: ./node_modules/undici/index.js
var undici = __webpack_require__(6752);
;// CONCATENATED MODULE: ./actions/lib/retry.ts
/** Backoff shared by every retry loop of the suite: HTTP requests, smoke checks, STS calls. */
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
/** The wait before retry number `retry` (1 for the first retry): the ceiling doubles each time. */
function backoffDelay(retry, { baseMs, capMs, jitter = 'full' }, random = Math.random) {
    const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, retry - 1));
    return Math.round(jitter === 'full' ? random() * ceiling : ceiling / 2 + (random() * ceiling) / 2);
}
/** `Retry-After` in milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
function parseRetryAfter(value, now = Date.now()) {
    if (!value)
        return undefined;
    const text = value.trim();
    if (/^\d+(\.\d+)?$/.test(text))
        return Math.round(Number(text) * 1000);
    const date = Date.parse(text);
    return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

;// CONCATENATED MODULE: ./actions/lib/http.ts
/**
 * One HTTP helper for the suite: a timeout per attempt, bounded retries with full-jitter backoff
 * that honour `Retry-After`, and retries only of what is safe to repeat. Callers may pass an undici
 * dispatcher (a CA, a client certificate) and extra headers — blue-green-deploy sends smoke checks
 * through the Kubernetes API server's proxy that way.
 */


class HttpError extends Error {
    code;
    attempts;
    latencyMs;
    constructor(message, code, attempts, latencyMs) {
        super(message);
        this.code = code;
        this.attempts = attempts;
        this.latencyMs = latencyMs;
        this.name = 'HttpError';
    }
}
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);
const RETRY_STATUSES = new Set([408, 500, 502, 503, 504]);
/** Network failures where the request never reached the server: safe to repeat for any method. */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);
function networkCode(error) {
    const err = error;
    if (err?.name === 'TimeoutError' || err?.cause?.name === 'TimeoutError')
        return 'ETIMEDOUT';
    return err?.cause?.code ?? err?.code ?? 'ENETWORK';
}
function describe(code, error, timeoutMs) {
    if (code === 'ETIMEDOUT')
        return `timed out after ${timeoutMs} ms`;
    if (code === 'ECONNREFUSED')
        return 'connection refused';
    if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET')
        return 'connection reset';
    const cause = error?.cause?.message;
    return cause ?? error?.message ?? String(error);
}
async function httpRequest(url, options = {}) {
    const method = (options.method ?? 'GET').toUpperCase();
    const attempts = Math.max(1, options.attempts ?? 3);
    const timeoutMs = options.timeoutMs ?? 10_000;
    const wait = options.sleep ?? sleep;
    const safe = IDEMPOTENT.has(method) || options.retryUnsafe === true;
    const backoff = { baseMs: options.retryBaseMs ?? 500, capMs: options.retryCapMs ?? 10_000 };
    for (let attempt = 1;; attempt++) {
        const remaining = options.deadline === undefined ? Infinity : options.deadline - Date.now();
        const attemptTimeout = Math.max(1, Math.min(timeoutMs, remaining));
        const started = performance.now();
        let retryReason;
        let retryAfterMs;
        let lastResponse;
        try {
            const response = await (0,undici/* fetch */.hd)(url, {
                method,
                headers: options.headers,
                body: options.body,
                redirect: options.followRedirects === false ? 'manual' : 'follow',
                dispatcher: options.dispatcher,
                signal: AbortSignal.timeout(attemptTimeout),
            });
            const body = await response.text();
            const result = { status: response.status, headers: response.headers, body, url: response.url || String(url), attempts: attempt, latencyMs: performance.now() - started };
            const retryable = response.status === 429 || (safe && RETRY_STATUSES.has(response.status));
            if (!retryable || attempt >= attempts)
                return result;
            retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
            if (retryAfterMs !== undefined && retryAfterMs > (options.maxRetryAfterMs ?? 60_000))
                return result;
            lastResponse = result;
            retryReason = `HTTP ${response.status}`;
        }
        catch (error) {
            const code = networkCode(error);
            const latencyMs = performance.now() - started;
            const message = describe(code, error, attemptTimeout);
            if (attempt >= attempts || !(safe || NEVER_SENT.has(code)))
                throw new HttpError(message, code, attempt, latencyMs);
            retryReason = message;
        }
        const delayMs = Math.max(retryAfterMs ?? 0, backoffDelay(attempt, backoff, options.random));
        if (options.deadline !== undefined && Date.now() + delayMs >= options.deadline) {
            if (lastResponse)
                return lastResponse;
            throw new HttpError(`${retryReason}; no time left before the deadline to retry`, 'EDEADLINE', attempt, 0);
        }
        options.onRetry?.({ attempt, delayMs, reason: retryReason });
        await wait(delayMs);
    }
}

;// CONCATENATED MODULE: ./actions/slack-notify/deliver.ts
/**
 * Sends a message by incoming webhook or by the Web API (chat.postMessage / chat.update), with
 * retries on 429 (Retry-After honoured) and 5xx. A duplicate notification is better than none, so
 * 5xx on these POSTs are retried too.
 */

async function deliver(transport, message, options) {
    const http = {
        method: 'POST',
        attempts: options.retries + 1,
        retryUnsafe: true,
        timeoutMs: options.timeoutMs ?? 15_000,
        sleep: options.sleep,
        onRetry: options.onRetry,
    };
    try {
        return transport.kind === 'webhook' ? await viaWebhook(transport.url, message, http) : await viaApi(transport, message, http);
    }
    catch (error) {
        if (error instanceof HttpError)
            return { ok: false, error: error.message };
        throw error;
    }
}
async function viaWebhook(url, message, http) {
    const response = await httpRequest(url, { ...http, headers: { 'content-type': 'application/json' }, body: JSON.stringify(message) });
    const body = response.body.trim();
    if (response.status === 200 && body === 'ok')
        return { ok: true };
    return { ok: false, error: `${body || 'no body'} (HTTP ${response.status})` };
}
async function viaApi(transport, message, http) {
    const method = transport.updateTs ? 'chat.update' : 'chat.postMessage';
    const body = { ...message, channel: transport.channel };
    if (transport.updateTs)
        body.ts = transport.updateTs;
    else if (transport.threadTs)
        body.thread_ts = transport.threadTs;
    const response = await httpRequest(`${transport.apiUrl}/${method}`, {
        ...http,
        headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${transport.token}` },
        body: JSON.stringify(body),
    });
    let answer;
    try {
        answer = JSON.parse(response.body);
    }
    catch {
        return { ok: false, error: `${method} answered HTTP ${response.status} without JSON` };
    }
    if (!answer.ok)
        return { ok: false, error: `${method}: ${answer.error ?? 'unknown_error'} (HTTP ${response.status})` };
    return {
        ok: true,
        ts: answer.ts,
        channel: answer.channel,
        // A reply belongs to the given thread; a top-level post starts its own, so its ts is the thread.
        threadTs: transport.threadTs ?? answer.message?.thread_ts ?? answer.ts,
    };
}

;// CONCATENATED MODULE: ./actions/slack-notify/message.ts
const LIMITS = { header: 150, sectionText: 3000, field: 2000, fields: 10, blocks: 50, buttonText: 75, fallbackText: 4000 };
const STYLE = {
    success: { emoji: '✅', color: '#2EB67D' },
    failure: { emoji: '❌', color: '#E01E5A' },
    cancelled: { emoji: '⏹️', color: '#9E9E9E' },
    skipped: { emoji: '⏭️', color: '#9E9E9E' },
    started: { emoji: '🚀', color: '#1D9BD1' },
    warning: { emoji: '⚠️', color: '#ECB22E' },
};
/** Cuts to `max` characters (code points, so an emoji is never split), ending with an ellipsis. */
function truncate(text, max) {
    const chars = Array.from(text);
    return chars.length <= max ? text : chars.slice(0, max - 1).join('') + '…';
}
/** Text from the run (commit messages, titles) must not be read as Slack markup. */
function escapeMrkdwn(text) {
    return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
function slackLink(url, text) {
    return url ? `<${url}|${escapeMrkdwn(text)}>` : escapeMrkdwn(text);
}
function defaultTitle(context, status) {
    const what = [context.workflow || 'Workflow', status].filter(Boolean).join(' ');
    return `${what} · ${context.repository}@${context.refName}`;
}
/** The event's own words: commit message on push, PR title on pull_request, tag on release. */
function eventWords(context) {
    const p = context.payload;
    switch (context.eventName) {
        case 'push':
            if (context.refType === 'tag')
                return `Tag ${escapeMrkdwn(context.refName)}`;
            return p.head_commit?.message ? `Commit: ${escapeMrkdwn(String(p.head_commit.message).split('\n')[0])}` : undefined;
        case 'pull_request':
        case 'pull_request_target':
            return p.pull_request ? `Pull request ${slackLink(p.pull_request.html_url ?? '', `#${p.pull_request.number} ${p.pull_request.title ?? ''}`)}` : undefined;
        case 'release':
            return p.release ? `Release ${slackLink(p.release.html_url ?? '', p.release.tag_name ?? '')}` : undefined;
        case 'workflow_dispatch':
            return `Run manually by ${escapeMrkdwn(context.actor)}`;
        default:
            return undefined;
    }
}
function buildDefaultMessage(inputs, context) {
    const style = inputs.status ? STYLE[inputs.status] : undefined;
    const title = inputs.title ?? defaultTitle(context, inputs.status);
    const heading = style ? `${style.emoji} ${title}` : title;
    const mention = inputs.status === 'failure' && inputs.mentionOnFailure ? inputs.mentionOnFailure : '';
    const blocks = [{ type: 'header', text: { type: 'plain_text', text: heading, emoji: true } }];
    const body = [mention, inputs.message, eventWords(context)].filter(Boolean).join('\n');
    if (body)
        blocks.push({ type: 'section', text: { type: 'mrkdwn', text: body } });
    const fields = [
        ['Repository', slackLink(context.repository ? `${context.serverUrl}/${context.repository}` : '', context.repository)],
        ['Ref', escapeMrkdwn(context.refName)],
        ['Commit', slackLink(context.commitUrl, context.sha.slice(0, 7))],
        ['Actor', escapeMrkdwn(context.actor)],
    ];
    if (inputs.environment)
        fields.push(['Environment', escapeMrkdwn(inputs.environment)]);
    if (inputs.version)
        fields.push(['Version', escapeMrkdwn(inputs.version)]);
    fields.push(...inputs.fields);
    const shown = fields.filter(([, value]) => value);
    for (let i = 0; i < shown.length; i += LIMITS.fields) {
        blocks.push({ type: 'section', fields: shown.slice(i, i + LIMITS.fields).map(([key, value]) => ({ type: 'mrkdwn', text: `*${escapeMrkdwn(key)}*\n${value}` })) });
    }
    if (inputs.url) {
        blocks.push({ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open', emoji: true }, url: inputs.url }] });
    }
    if (context.runUrl) {
        blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `${slackLink(context.runUrl, `${context.workflow || 'Run'} #${context.runNumber || context.runId}`)} · ${escapeMrkdwn(context.eventName)}` }] });
    }
    const text = [mention, heading].filter(Boolean).join(' ');
    return style ? { text, attachments: [{ color: style.color, blocks }] } : { text, blocks };
}
function limitBlock(block) {
    const copy = { ...block };
    if (copy.type === 'header' && copy.text?.text)
        copy.text = { ...copy.text, text: truncate(copy.text.text, LIMITS.header) };
    if (copy.type === 'section') {
        if (copy.text?.text)
            copy.text = { ...copy.text, text: truncate(copy.text.text, LIMITS.sectionText) };
        if (Array.isArray(copy.fields)) {
            copy.fields = copy.fields.slice(0, LIMITS.fields).map((field) => ({ ...field, text: truncate(String(field.text ?? ''), LIMITS.field) }));
        }
    }
    return copy;
}
function limitBlocks(blocks, room) {
    return blocks?.slice(0, Math.max(0, room)).map(limitBlock);
}
/** Applies Slack's limits: truncated texts, at most 50 blocks over the message and its attachments. */
function applyLimits(message) {
    const result = { ...message, text: truncate(String(message.text ?? ''), LIMITS.fallbackText) };
    let room = LIMITS.blocks;
    if (message.blocks) {
        result.blocks = limitBlocks(message.blocks, room);
        room -= result.blocks.length;
    }
    if (message.attachments) {
        result.attachments = message.attachments.map((attachment) => {
            if (!attachment.blocks)
                return attachment;
            const blocks = limitBlocks(attachment.blocks, room);
            room -= blocks.length;
            return { ...attachment, blocks };
        });
    }
    return result;
}

;// CONCATENATED MODULE: ./actions/slack-notify/execute.ts
/** slack-notify after validation: masks the secret, builds the message, delivers it, sets outputs. */






async function executeSlackNotify(inputs) {
    for (const secret of inputs.secrets)
        maskSecret(secret);
    const message = applyLimits(inputs.payload ? inputs.payload : buildDefaultMessage(inputs, readRunContext()));
    const transport = inputs.transport;
    const target = transport.kind === 'webhook' ? 'incoming webhook' : `${transport.updateTs ? 'chat.update' : 'chat.postMessage'} to ${transport.channel}`;
    core/* info */.pq(`Sending ${inputs.status ?? 'a'} notification by ${target}`);
    const result = await deliver(transport, message, {
        retries: inputs.retries,
        onRetry: ({ attempt, delayMs, reason }) => core/* info */.pq(`Slack answered ${reason}; retry ${attempt} of ${inputs.retries} in ${delayMs} ms`),
    });
    core/* setOutput */.uH('ok', String(result.ok));
    core/* setOutput */.uH('ts', result.ts ?? '');
    core/* setOutput */.uH('thread-ts', result.threadTs ?? '');
    core/* setOutput */.uH('channel', result.channel ?? '');
    if (result.ok) {
        core/* info */.pq(`Delivered${result.ts ? ` (ts ${result.ts} in ${result.channel})` : ''}`);
        await writeSummary(`### 💬 Slack notification sent\n\n${message.text}${result.ts ? `\n\nChannel \`${result.channel}\`, ts \`${result.ts}\`` : ''}`);
        return;
    }
    const failure = `Slack notification was not delivered: ${result.error}`;
    await writeSummary(`### ⚠️ Slack notification not delivered\n\n${result.error}`);
    if (inputs.failOnError)
        throw new Error(failure);
    core/* warning */.$e(`${failure} (fail-on-error is false, so the step goes on)`);
}


/***/ })

};

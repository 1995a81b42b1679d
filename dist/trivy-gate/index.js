import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 7721:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   E3: () => (/* binding */ readString),
/* harmony export */   JI: () => (/* binding */ readInteger),
/* harmony export */   LD: () => (/* binding */ readList),
/* harmony export */   Se: () => (/* binding */ readLines),
/* harmony export */   Vf: () => (/* binding */ readBoolean),
/* harmony export */   dz: () => (/* binding */ InputError)
/* harmony export */ });
/* unused harmony exports inputVariable, readRequired, parseInteger, parseDuration, readDuration, splitList, readPairs, readChoice, readUrl, parseUrl, parseDocument, readDocument */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/**
 * Typed input readers. They read `INPUT_*` straight from the environment, as @actions/core does,
 * so that an action can validate every input before it loads any heavy module (start-up goal).
 * Every error is an InputError whose message names the input and says what was expected, and
 * never repeats a value: the value may be a secret that is not masked yet.
 */

class InputError extends Error {
    input;
    constructor(input, expected) {
        super(`Input '${input}' ${expected}`);
        this.input = input;
        this.name = 'InputError';
    }
}
/** The variable the runner sets for an input: upper-cased, spaces to `_` (hyphens are kept). */
function inputVariable(name) {
    return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}
/** The trimmed value of an input, '' when not set (as core.getInput). */
function readString(name, env = process.env) {
    return (env[inputVariable(name)] ?? '').trim();
}
function readRequired(name, env = process.env) {
    const value = readString(name, env);
    if (!value)
        throw new InputError(name, 'is required');
    return value;
}
const TRUE = ['true', 'True', 'TRUE'];
const FALSE = ['false', 'False', 'FALSE'];
/** YAML 1.2 core schema booleans, as core.getBooleanInput; '' gives the fallback. */
function readBoolean(name, fallback, env = process.env) {
    const value = readString(name, env);
    if (!value)
        return fallback;
    if (TRUE.includes(value))
        return true;
    if (FALSE.includes(value))
        return false;
    throw new InputError(name, 'must be true or false');
}
function parseInteger(name, value, { min, max } = {}) {
    if (!/^-?\d+$/.test(value))
        throw new InputError(name, `must be a whole number${rangeText(min, max)}`);
    const n = Number(value);
    if ((min !== undefined && n < min) || (max !== undefined && n > max) || !Number.isSafeInteger(n)) {
        throw new InputError(name, `must be a whole number${rangeText(min, max)}`);
    }
    return n;
}
function rangeText(min, max) {
    if (min !== undefined && max !== undefined)
        return ` from ${min} to ${max}`;
    if (min !== undefined)
        return ` of at least ${min}`;
    if (max !== undefined)
        return ` of at most ${max}`;
    return '';
}
function readInteger(name, fallback, options = {}, env = process.env) {
    const value = readString(name, env);
    return value ? parseInteger(name, value, options) : fallback;
}
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION_EXPECTED = "must be a duration such as '250ms', '30s', '5m', '1h' or '1m30s'";
/** `250ms`, `30s`, `5m`, `1h`, combinations such as `1m30s`, or a bare number of seconds. */
function parseDuration(name, value) {
    const text = value.trim();
    if (/^\d+$/.test(text))
        return Number(text) * 1000;
    const parts = text.match(/^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/) ? text.match(/\d+(?:\.\d+)?(?:ms|s|m|h)/g) : null;
    if (!parts)
        throw new InputError(name, DURATION_EXPECTED);
    let total = 0;
    for (const part of parts) {
        const [, amount, unit] = part.match(/^(\d+(?:\.\d+)?)(ms|s|m|h)$/);
        total += Number(amount) * UNIT_MS[unit];
    }
    return Math.round(total);
}
/** A duration in milliseconds; '' gives the fallback. */
function readDuration(name, fallbackMs, env = process.env) {
    const value = readString(name, env);
    return value ? parseDuration(name, value) : fallbackMs;
}
/** Items separated by newlines and/or commas, trimmed, empty ones dropped. */
function readList(name, env = process.env, separator = /[\n,]/) {
    return splitList(readString(name, env), separator);
}
function splitList(value, separator = /[\n,]/) {
    return value
        .split(separator)
        .map((item) => item.trim())
        .filter(Boolean);
}
/** One item per line (commas are kept: globs and patterns may hold them). */
function readLines(name, env = process.env) {
    return readList(name, env, /\r?\n/);
}
/**
 * `Key: value` (or `KEY=value` with separator '=') one per line, in order. The key may not be empty;
 * the value may (and may hold the separator again).
 */
function readPairs(name, separator = ':', env = process.env) {
    const example = separator === ':' ? "'Name: value'" : "'KEY=value'";
    return readLines(name, env).map((line) => {
        const at = line.indexOf(separator);
        if (at <= 0)
            throw new InputError(name, `must hold one ${example} per line`);
        return [line.slice(0, at).trim(), line.slice(at + 1).trim()];
    });
}
/** One of a fixed set of words; '' gives the fallback. */
function readChoice(name, choices, fallback, env = process.env) {
    const value = readString(name, env);
    if (!value)
        return fallback;
    if (!choices.includes(value))
        throw new InputError(name, `must be one of ${choices.join(', ')}`);
    return value;
}
function readUrl(name, env = process.env, protocols = ['http:', 'https:']) {
    const value = readString(name, env);
    return value ? parseUrl(name, value, protocols) : undefined;
}
function parseUrl(name, value, protocols = ['http:', 'https:']) {
    let url;
    try {
        url = new URL(value);
    }
    catch {
        throw new InputError(name, `must be an absolute ${protocols.map((p) => p.replace(':', '')).join(' or ')} URL`);
    }
    if (!protocols.includes(url.protocol)) {
        throw new InputError(name, `must be an absolute ${protocols.map((p) => p.replace(':', '')).join(' or ')} URL`);
    }
    return url;
}
const DOCUMENT_FILE = /\.(ya?ml|json)$/i;
/**
 * YAML or JSON, given inline or as the path of a `.yml`/`.yaml`/`.json` file (relative to `cwd`).
 * A single-line value naming an existing file is read from it; a value that looks like a path to a
 * missing file is an error rather than a YAML string. The YAML parser is loaded only when a
 * document is given, so that actions without one start faster.
 */
async function parseDocument(name, value, cwd = process.cwd()) {
    let text = value;
    let source = 'inline YAML or JSON';
    if (!value.includes('\n') && DOCUMENT_FILE.test(value)) {
        const path = value.startsWith('/') ? value : `${cwd}/${value}`;
        if (!existsSync(path))
            throw new InputError(name, `names a file that does not exist: ${value}`);
        text = readFileSync(path, 'utf8');
        source = `the file ${value}`;
    }
    try {
        const { parse } = await __nccwpck_require__.e(/* import() */ 815).then(__nccwpck_require__.t.bind(__nccwpck_require__, 8815, 19));
        return parse(text);
    }
    catch (error) {
        const reason = error.message.split('\n')[0];
        throw new InputError(name, `must be valid YAML or JSON (${source}: ${reason})`);
    }
}
/** A YAML/JSON document; '' gives undefined. */
async function readDocument(name, env = process.env, cwd) {
    const value = readString(name, env);
    return value ? parseDocument(name, value, cwd) : undefined;
}


/***/ }),

/***/ 9569:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Iw: () => (/* binding */ BUDGET_SEVERITIES),
/* harmony export */   Qq: () => (/* binding */ dedupe),
/* harmony export */   cu: () => (/* binding */ identityOf),
/* harmony export */   oC: () => (/* binding */ SEVERITIES),
/* harmony export */   qs: () => (/* binding */ severityRank)
/* harmony export */ });
/**
 * The one shape every Trivy finding is reduced to, its identity, and the merge of duplicates.
 * Identity follows the gate's contract: (target, package, vulnerability ID) for a vulnerability,
 * (target, check ID, cause line, message) for a misconfiguration, (target, rule ID, line) for a
 * secret. "Package" is the package name plus its path when Trivy gives one, so the same library
 * bundled twice in one target (two jars) counts twice, while an upgrade that keeps the CVE is still
 * the same finding for a baseline.
 */
const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'];
/** Severities with a `max-*` budget input (there is no `max-unknown`). */
const BUDGET_SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];
const SEPARATOR = '\u0000';
function identityOf(finding) {
    const { kind, target, id } = finding;
    switch (kind) {
        case 'vulnerability':
            return ['V', target, finding.pkgName ?? '', finding.pkgPath ?? '', id].join(SEPARATOR);
        case 'misconfiguration':
            return ['M', target, id, finding.line ?? '', finding.message ?? ''].join(SEPARATOR);
        case 'secret':
            return ['S', target, id, finding.line ?? ''].join(SEPARATOR);
    }
}
function severityRank(severity) {
    return SEVERITIES.length - SEVERITIES.indexOf(severity);
}
/**
 * Merges duplicates (same identity) keeping the first occurrence's order. A duplicate may fill in
 * what the first lacks (fixed version, URL, PURL, title), and the higher severity wins, so merging
 * never makes a finding less severe.
 */
function dedupe(findings) {
    const byKey = new Map();
    for (const finding of findings) {
        const first = byKey.get(finding.key);
        if (!first) {
            byKey.set(finding.key, finding);
            continue;
        }
        first.fixedVersion ??= finding.fixedVersion;
        first.primaryUrl ??= finding.primaryUrl;
        first.purl ??= finding.purl;
        first.title ??= finding.title;
        first.installedVersion ??= finding.installedVersion;
        if (severityRank(finding.severity) > severityRank(first.severity))
            first.severity = finding.severity;
    }
    return [...byKey.values()];
}


/***/ }),

/***/ 503:
/***/ ((module, __unused_webpack___webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var _main_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(875);

await (0,_main_js__WEBPACK_IMPORTED_MODULE_0__/* .run */ .e)();

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 875:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  e: () => (/* binding */ run)
});

;// CONCATENATED MODULE: ./actions/lib/action.ts
/**
 * The frame every action's main runs in. Failures end the step with one `::error::` line and
 * exit code 1 — no stack trace. This module deliberately does not import @actions/core: an input
 * error must be reported without paying for loading it (see bench/startup).
 */
/** Escapes a workflow-command message exactly as @actions/core does. */
function escapeData(text) {
    return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function reportError(error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stdout.write(`::error::${escapeData(message)}\n`);
    process.exitCode = 1;
}
/** Runs an action's main and turns any failure into one error line and exit code 1. */
async function runMain(main) {
    try {
        await main();
    }
    catch (error) {
        reportError(error);
    }
}

// EXTERNAL MODULE: ./actions/lib/inputs.ts
var inputs = __nccwpck_require__(7721);
// EXTERNAL MODULE: ./actions/trivy-gate/findings.ts
var findings = __nccwpck_require__(9569);
;// CONCATENATED MODULE: ./actions/trivy-gate/config.ts
/**
 * Reads and checks every input of trivy-gate at once, without loading anything heavy, so a typo
 * fails in milliseconds with one line naming the input.
 */


/** A reference Trivy can take as its last argument: no spaces, and never read as an option. */
const IMAGE_REF = /^[A-Za-z0-9][A-Za-z0-9._\-/:@+]*$/;
function readSeverities(env) {
    const values = (0,inputs/* readList */.LD)('severity', env).map((value) => value.toUpperCase());
    if (!values.length || values.some((value) => !findings/* SEVERITIES */.oC.includes(value))) {
        throw new inputs/* InputError */.dz('severity', `must list severities among ${findings/* SEVERITIES */.oC.join(', ')}, separated by commas`);
    }
    return [...new Set(values)];
}
function readInputs(env = process.env) {
    const reports = (0,inputs/* readLines */.Se)('report', env);
    const image = (0,inputs/* readString */.E3)('image', env) || undefined;
    if (!reports.length && !image)
        throw new inputs/* InputError */.dz('report', "or 'image' is required: give a Trivy JSON report, or an image to scan");
    if (reports.length && image)
        throw new inputs/* InputError */.dz('image', "cannot be used together with 'report': give one or the other");
    if (image && !IMAGE_REF.test(image))
        throw new inputs/* InputError */.dz('image', 'must be an image reference such as ghcr.io/owner/app:1.2.3');
    const budgets = {};
    for (const severity of findings/* BUDGET_SEVERITIES */.Iw) {
        const budget = (0,inputs/* readInteger */.JI)(`max-${severity.toLowerCase()}`, undefined, { min: 0 }, env);
        if (budget !== undefined)
            budgets[severity] = budget;
    }
    return {
        reports,
        image,
        policy: { severities: readSeverities(env), ignoreUnfixed: (0,inputs/* readBoolean */.Vf)('ignore-unfixed', true, env), budgets },
        ignoreFile: (0,inputs/* readString */.E3)('ignore-file', env) || undefined,
        expiryWarningDays: (0,inputs/* readInteger */.JI)('expiry-warning-days', 14, { min: 0 }, env),
        baseline: (0,inputs/* readString */.E3)('baseline', env) || undefined,
        sarif: (0,inputs/* readString */.E3)('sarif', env) || undefined,
        failOnError: (0,inputs/* readBoolean */.Vf)('fail-on-error', true, env),
    };
}

;// CONCATENATED MODULE: ./actions/trivy-gate/main.ts
/**
 * trivy-gate's entry: reads and checks every input first (nothing heavy is loaded before an input
 * error), then loads @actions/core and the gate, scans the image when asked, judges, and reports
 * through outputs, warnings and the job summary. A failed gate is one ::error:: line and exit 1,
 * or a warning and exit 0 with `fail-on-error: false`.
 */


async function run() {
    await runMain(main);
}
async function main() {
    const inputs = readInputs();
    const workspace = process.env.GITHUB_WORKSPACE || process.cwd();
    const now = new Date();
    const core = await __nccwpck_require__.e(/* import() */ 838).then(__nccwpck_require__.bind(__nccwpck_require__, 3838));
    const { prepareGate, runGate } = await Promise.all(/* import() */[__nccwpck_require__.e(815), __nccwpck_require__.e(540), __nccwpck_require__.e(273), __nccwpck_require__.e(791)]).then(__nccwpck_require__.bind(__nccwpck_require__, 3791));
    const prepared = prepareGate(inputs, workspace);
    let reports = inputs.reports;
    if (inputs.image) {
        const [{ scanImage }, cache] = await Promise.all([__nccwpck_require__.e(/* import() */ 366).then(__nccwpck_require__.bind(__nccwpck_require__, 2985)), Promise.all(/* import() */[__nccwpck_require__.e(838), __nccwpck_require__.e(540), __nccwpck_require__.e(692)]).then(__nccwpck_require__.bind(__nccwpck_require__, 6692))]);
        const report = await scanImage({
            image: inputs.image,
            tempDir: process.env.RUNNER_TEMP || (await Promise.resolve(/* import() */).then(__nccwpck_require__.t.bind(__nccwpck_require__, 8161, 23))).tmpdir(),
            env: process.env,
            now,
            log: core,
            cache: {
                available: () => cache.isFeatureAvailable(),
                restore: (paths, key, restoreKeys) => cache.restoreCache(paths, key, restoreKeys),
                save: async (paths, key) => (await cache.saveCache(paths, key)) !== -1,
            },
        });
        reports = [report];
    }
    const result = runGate(prepared, reports, now);
    const { verdict } = result;
    for (const warning of result.warnings)
        core.warning(warning);
    core.setOutput('passed', String(verdict.passed));
    core.setOutput('blocking', verdict.blocking.length);
    for (const [severity, counts] of Object.entries(verdict.bySeverity))
        core.setOutput(severity.toLowerCase(), counts.count);
    core.setOutput('ignored', verdict.ignored.length);
    core.setOutput('sarif', result.sarifPath ?? '');
    const { renderSummary, failureMessage } = await __nccwpck_require__.e(/* import() */ 719).then(__nccwpck_require__.bind(__nccwpck_require__, 4719));
    if (process.env.GITHUB_STEP_SUMMARY) {
        const sources = inputs.image ? [`${inputs.image} (scanned)`] : result.sources;
        const context = { sources, warnings: result.warnings, failOnError: inputs.failOnError, baseline: inputs.baseline, ignoreUnfixed: inputs.policy.ignoreUnfixed };
        await core.summary.addRaw(renderSummary(verdict, context)).write();
    }
    if (verdict.passed) {
        core.info(`trivy-gate passed: ${verdict.findings.length} findings after ignore rules, none blocking`);
    }
    else if (inputs.failOnError) {
        throw new Error(failureMessage(verdict));
    }
    else {
        core.warning(`${failureMessage(verdict)} (fail-on-error: false)`);
    }
}


/***/ }),

/***/ 2613:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("assert");

/***/ }),

/***/ 181:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("buffer");

/***/ }),

/***/ 5317:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("child_process");

/***/ }),

/***/ 6982:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("crypto");

/***/ }),

/***/ 4434:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("events");

/***/ }),

/***/ 9896:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("fs");

/***/ }),

/***/ 8611:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("http");

/***/ }),

/***/ 5692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("https");

/***/ }),

/***/ 9278:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("net");

/***/ }),

/***/ 4589:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:assert");

/***/ }),

/***/ 6698:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:async_hooks");

/***/ }),

/***/ 4573:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:buffer");

/***/ }),

/***/ 1421:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:child_process");

/***/ }),

/***/ 7540:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:console");

/***/ }),

/***/ 7598:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");

/***/ }),

/***/ 3053:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:diagnostics_channel");

/***/ }),

/***/ 610:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:dns");

/***/ }),

/***/ 8474:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:events");

/***/ }),

/***/ 3024:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");

/***/ }),

/***/ 7067:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");

/***/ }),

/***/ 2467:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http2");

/***/ }),

/***/ 4708:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:https");

/***/ }),

/***/ 8995:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:module");

/***/ }),

/***/ 7030:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:net");

/***/ }),

/***/ 8161:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");

/***/ }),

/***/ 6760:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");

/***/ }),

/***/ 643:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:perf_hooks");

/***/ }),

/***/ 1708:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:process");

/***/ }),

/***/ 1792:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:querystring");

/***/ }),

/***/ 7075:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream");

/***/ }),

/***/ 1692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:tls");

/***/ }),

/***/ 3136:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:url");

/***/ }),

/***/ 7975:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");

/***/ }),

/***/ 3429:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util/types");

/***/ }),

/***/ 5919:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:worker_threads");

/***/ }),

/***/ 8522:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:zlib");

/***/ }),

/***/ 857:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("os");

/***/ }),

/***/ 6928:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("path");

/***/ }),

/***/ 932:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("process");

/***/ }),

/***/ 2203:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("stream");

/***/ }),

/***/ 3193:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("string_decoder");

/***/ }),

/***/ 3557:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("timers");

/***/ }),

/***/ 4756:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tls");

/***/ }),

/***/ 2018:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tty");

/***/ }),

/***/ 7016:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("url");

/***/ }),

/***/ 9023:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("util");

/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId].call(module.exports, module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/******/ // expose the modules object (__webpack_modules__)
/******/ __nccwpck_require__.m = __webpack_modules__;
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/async module */
/******/ (() => {
/******/ 	var webpackQueues = typeof Symbol === "function" ? Symbol("webpack queues") : "__webpack_queues__";
/******/ 	var webpackExports = typeof Symbol === "function" ? Symbol("webpack exports") : "__webpack_exports__";
/******/ 	var webpackError = typeof Symbol === "function" ? Symbol("webpack error") : "__webpack_error__";
/******/ 	var resolveQueue = (queue) => {
/******/ 		if(queue && queue.d < 1) {
/******/ 			queue.d = 1;
/******/ 			queue.forEach((fn) => (fn.r--));
/******/ 			queue.forEach((fn) => (fn.r-- ? fn.r++ : fn()));
/******/ 		}
/******/ 	}
/******/ 	var wrapDeps = (deps) => (deps.map((dep) => {
/******/ 		if(dep !== null && typeof dep === "object") {
/******/ 			if(dep[webpackQueues]) return dep;
/******/ 			if(dep.then) {
/******/ 				var queue = [];
/******/ 				queue.d = 0;
/******/ 				dep.then((r) => {
/******/ 					obj[webpackExports] = r;
/******/ 					resolveQueue(queue);
/******/ 				}, (e) => {
/******/ 					obj[webpackError] = e;
/******/ 					resolveQueue(queue);
/******/ 				});
/******/ 				var obj = {};
/******/ 				obj[webpackQueues] = (fn) => (fn(queue));
/******/ 				return obj;
/******/ 			}
/******/ 		}
/******/ 		var ret = {};
/******/ 		ret[webpackQueues] = x => {};
/******/ 		ret[webpackExports] = dep;
/******/ 		return ret;
/******/ 	}));
/******/ 	__nccwpck_require__.a = (module, body, hasAwait) => {
/******/ 		var queue;
/******/ 		hasAwait && ((queue = []).d = -1);
/******/ 		var depQueues = new Set();
/******/ 		var exports = module.exports;
/******/ 		var currentDeps;
/******/ 		var outerResolve;
/******/ 		var reject;
/******/ 		var promise = new Promise((resolve, rej) => {
/******/ 			reject = rej;
/******/ 			outerResolve = resolve;
/******/ 		});
/******/ 		promise[webpackExports] = exports;
/******/ 		promise[webpackQueues] = (fn) => (queue && fn(queue), depQueues.forEach(fn), promise["catch"](x => {}));
/******/ 		module.exports = promise;
/******/ 		body((deps) => {
/******/ 			currentDeps = wrapDeps(deps);
/******/ 			var fn;
/******/ 			var getResult = () => (currentDeps.map((d) => {
/******/ 				if(d[webpackError]) throw d[webpackError];
/******/ 				return d[webpackExports];
/******/ 			}))
/******/ 			var promise = new Promise((resolve) => {
/******/ 				fn = () => (resolve(getResult));
/******/ 				fn.r = 0;
/******/ 				var fnQueue = (q) => (q !== queue && !depQueues.has(q) && (depQueues.add(q), q && !q.d && (fn.r++, q.push(fn))));
/******/ 				currentDeps.map((dep) => (dep[webpackQueues](fnQueue)));
/******/ 			});
/******/ 			return fn.r ? promise : getResult();
/******/ 		}, (err) => ((err ? reject(promise[webpackError] = err) : outerResolve(exports)), resolveQueue(queue)));
/******/ 		queue && queue.d < 0 && (queue.d = 0);
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/compat get default export */
/******/ (() => {
/******/ 	// getDefaultExport function for compatibility with non-harmony modules
/******/ 	__nccwpck_require__.n = (module) => {
/******/ 		var getter = module && module.__esModule ?
/******/ 			() => (module['default']) :
/******/ 			() => (module);
/******/ 		__nccwpck_require__.d(getter, { a: getter });
/******/ 		return getter;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/create fake namespace object */
/******/ (() => {
/******/ 	var getProto = Object.getPrototypeOf ? (obj) => (Object.getPrototypeOf(obj)) : (obj) => (obj.__proto__);
/******/ 	var leafPrototypes;
/******/ 	// create a fake namespace object
/******/ 	// mode & 1: value is a module id, require it
/******/ 	// mode & 2: merge all properties of value into the ns
/******/ 	// mode & 4: return value when already ns object
/******/ 	// mode & 16: return value when it's Promise-like
/******/ 	// mode & 8|1: behave like require
/******/ 	__nccwpck_require__.t = function(value, mode) {
/******/ 		if(mode & 1) value = this(value);
/******/ 		if(mode & 8) return value;
/******/ 		if(typeof value === 'object' && value) {
/******/ 			if((mode & 4) && value.__esModule) return value;
/******/ 			if((mode & 16) && typeof value.then === 'function') return value;
/******/ 		}
/******/ 		var ns = Object.create(null);
/******/ 		__nccwpck_require__.r(ns);
/******/ 		var def = {};
/******/ 		leafPrototypes = leafPrototypes || [null, getProto({}), getProto([]), getProto(getProto)];
/******/ 		for(var current = mode & 2 && value; typeof current == 'object' && !~leafPrototypes.indexOf(current); current = getProto(current)) {
/******/ 			Object.getOwnPropertyNames(current).forEach((key) => (def[key] = () => (value[key])));
/******/ 		}
/******/ 		def['default'] = () => (value);
/******/ 		__nccwpck_require__.d(ns, def);
/******/ 		return ns;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/ensure chunk */
/******/ (() => {
/******/ 	__nccwpck_require__.f = {};
/******/ 	// This file contains only the entry chunk.
/******/ 	// The chunk loading function for additional chunks
/******/ 	__nccwpck_require__.e = (chunkId) => {
/******/ 		return Promise.all(Object.keys(__nccwpck_require__.f).reduce((promises, key) => {
/******/ 			__nccwpck_require__.f[key](chunkId, promises);
/******/ 			return promises;
/******/ 		}, []));
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/get javascript chunk filename */
/******/ (() => {
/******/ 	// This function allow to reference async chunks
/******/ 	__nccwpck_require__.u = (chunkId) => {
/******/ 		// return url for filenames based on template
/******/ 		return "" + chunkId + ".index.js";
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/******/ /* webpack/runtime/make namespace object */
/******/ (() => {
/******/ 	// define __esModule on exports
/******/ 	__nccwpck_require__.r = (exports) => {
/******/ 		if(typeof Symbol !== 'undefined' && Symbol.toStringTag) {
/******/ 			Object.defineProperty(exports, Symbol.toStringTag, { value: 'Module' });
/******/ 		}
/******/ 		Object.defineProperty(exports, '__esModule', { value: true });
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/import chunk loading */
/******/ (() => {
/******/ 	// no baseURI
/******/ 	
/******/ 	// object to store loaded and loading chunks
/******/ 	// undefined = chunk not loaded, null = chunk preloaded/prefetched
/******/ 	// [resolve, Promise] = chunk loading, 0 = chunk loaded
/******/ 	var installedChunks = {
/******/ 		792: 0
/******/ 	};
/******/ 	
/******/ 	var installChunk = (data) => {
/******/ 		var {ids, modules, runtime} = data;
/******/ 		// add "modules" to the modules object,
/******/ 		// then flag all "ids" as loaded and fire callback
/******/ 		var moduleId, chunkId, i = 0;
/******/ 		for(moduleId in modules) {
/******/ 			if(__nccwpck_require__.o(modules, moduleId)) {
/******/ 				__nccwpck_require__.m[moduleId] = modules[moduleId];
/******/ 			}
/******/ 		}
/******/ 		if(runtime) runtime(__nccwpck_require__);
/******/ 		for(;i < ids.length; i++) {
/******/ 			chunkId = ids[i];
/******/ 			if(__nccwpck_require__.o(installedChunks, chunkId) && installedChunks[chunkId]) {
/******/ 				installedChunks[chunkId][0]();
/******/ 			}
/******/ 			installedChunks[ids[i]] = 0;
/******/ 		}
/******/ 	
/******/ 	}
/******/ 	
/******/ 	__nccwpck_require__.f.j = (chunkId, promises) => {
/******/ 			// import() chunk loading for javascript
/******/ 			var installedChunkData = __nccwpck_require__.o(installedChunks, chunkId) ? installedChunks[chunkId] : undefined;
/******/ 			if(installedChunkData !== 0) { // 0 means "already installed".
/******/ 	
/******/ 				// a Promise means "currently loading".
/******/ 				if(installedChunkData) {
/******/ 					promises.push(installedChunkData[1]);
/******/ 				} else {
/******/ 					if(true) { // all chunks have JS
/******/ 						// setup Promise in chunk cache
/******/ 						var promise = import("./" + __nccwpck_require__.u(chunkId)).then(installChunk, (e) => {
/******/ 							if(installedChunks[chunkId] !== 0) installedChunks[chunkId] = undefined;
/******/ 							throw e;
/******/ 						});
/******/ 						var promise = Promise.race([promise, new Promise((resolve) => (installedChunkData = installedChunks[chunkId] = [resolve]))])
/******/ 						promises.push(installedChunkData[1] = promise);
/******/ 					}
/******/ 				}
/******/ 			}
/******/ 	};
/******/ 	
/******/ 	// no prefetching
/******/ 	
/******/ 	// no preloaded
/******/ 	
/******/ 	// no external install chunk
/******/ 	
/******/ 	// no on chunks loaded
/******/ })();
/******/ 
/************************************************************************/
/******/ 
/******/ // startup
/******/ // Load entry module and return exports
/******/ // This entry module used 'module' so it can't be inlined
/******/ var __webpack_exports__ = __nccwpck_require__(503);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ 

export const id = 531;
export const ids = [531,633,348];
export const modules = {

/***/ 4633:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   HistoryError: () => (/* binding */ HistoryError),
/* harmony export */   commitOfTag: () => (/* binding */ commitOfTag),
/* harmony export */   createGit: () => (/* binding */ createGit),
/* harmony export */   earlierReleases: () => (/* binding */ earlierReleases),
/* harmony export */   judgeIncrease: () => (/* binding */ judgeIncrease),
/* harmony export */   listFiles: () => (/* binding */ listFiles),
/* harmony export */   readHistory: () => (/* binding */ readHistory)
/* harmony export */ });
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1421);
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_child_process__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _version_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(93);
/**
 * The repository's release history, read with the real `git`: which earlier release tags exist,
 * fetching them from `origin` when the checkout may lack them (actions/checkout clones shallow and
 * without tags by default). It never concludes "first release" from a history it could not see.
 */


/** Runs `git` in `cwd`, never prompting for credentials. */
function createGit(cwd, timeoutMs = 120_000) {
    return (args) => new Promise((done) => {
        (0,node_child_process__WEBPACK_IMPORTED_MODULE_0__.execFile)('git', args, { cwd, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } }, (error, stdout, stderr) => {
            const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
            done({ code, stdout, stderr: stderr || (error && !stderr ? error.message : '') });
        });
    });
}
/** Versions of the release tags other than `tag` itself, highest first. */
function earlierReleases(tags, prefix, tag) {
    return tags
        .filter((other) => other !== tag)
        .map((other) => (0,_version_js__WEBPACK_IMPORTED_MODULE_1__/* .parseTag */ .ED)(other, prefix)?.version)
        .filter((version) => version !== undefined)
        .sort((a, b) => (0,_version_js__WEBPACK_IMPORTED_MODULE_1__/* .compareVersions */ .Zy)(b, a));
}
/** The version must be greater than every earlier release (equal is not greater). */
function judgeIncrease(version, earlier, prefix) {
    const previous = earlier[0] ?? '';
    if (previous && (0,_version_js__WEBPACK_IMPORTED_MODULE_1__/* .compareVersions */ .Zy)(version, previous) <= 0) {
        const same = (0,_version_js__WEBPACK_IMPORTED_MODULE_1__/* .compareVersions */ .Zy)(version, previous) === 0;
        return { previous, reason: `version ${version} is not greater than ${same ? 'the existing' : 'the earlier'} release ${prefix}${previous}` };
    }
    return { previous };
}
class HistoryError extends Error {
}
const FETCH_DEPTH_HINT = 'check out with actions/checkout and `fetch-depth: 0` so that every earlier tag is present';
/** git's own diagnosis: its first `fatal:`/`error:` line (what follows is advice), else its first line. */
function gitMessage(text) {
    const lines = text.split('\n').map((line) => line.trim()).filter(Boolean);
    return lines.find((line) => /^(fatal|error):/.test(line)) ?? lines[0] ?? 'no output';
}
async function listTags(git) {
    const result = await git(['tag', '--list']);
    if (result.code !== 0)
        throw new HistoryError(`could not list the repository's tags (${gitMessage(result.stderr)})`);
    return result.stdout.split('\n').map((line) => line.trim()).filter(Boolean);
}
/**
 * The repository's tags, complete enough to judge an increase: a shallow repository, or one with no
 * earlier release tag, first fetches the tags from `origin`. Throws HistoryError when history is
 * missing and cannot be fetched. With `fetch: false` only the local tags are read (best effort).
 */
async function readHistory(git, prefix, tag, fetch = true) {
    const probe = await git(['rev-parse', '--is-shallow-repository']);
    if (probe.code !== 0) {
        throw new HistoryError(`the workspace is not a git repository (${gitMessage(probe.stderr)}); ${FETCH_DEPTH_HINT}`);
    }
    const shallow = probe.stdout.trim() === 'true';
    const tags = await listTags(git);
    if (!fetch || (!shallow && earlierReleases(tags, prefix, tag).length > 0))
        return { tags, shallow, fetched: false };
    const origin = await git(['remote', 'get-url', 'origin']);
    // A complete repository with no remote has its whole history here: no earlier tag is a first release.
    if (!shallow && origin.code !== 0)
        return { tags, shallow, fetched: false };
    const why = shallow ? 'the repository is a shallow clone' : 'no earlier release tag is present locally';
    if (origin.code !== 0)
        throw new HistoryError(`${why} and has no 'origin' remote to fetch tags from; ${FETCH_DEPTH_HINT}`);
    const fetched = await git(['fetch', '--tags', '--force', '--no-recurse-submodules', 'origin']);
    if (fetched.code !== 0) {
        throw new HistoryError(`${why} and fetching tags from origin failed (${gitMessage(fetched.stderr)}); ${FETCH_DEPTH_HINT}`);
    }
    return { tags: await listTags(git), shallow, fetched: true };
}
/** The commit a tag points to in the local repository, or undefined. */
async function commitOfTag(git, tag) {
    const result = await git(['rev-parse', '--verify', '--quiet', `refs/tags/${tag}^{commit}`]);
    return result.code === 0 ? result.stdout.trim() : undefined;
}
/** Tracked and untracked-but-not-ignored files, relative, or undefined outside a git repository. */
async function listFiles(git) {
    const result = await git(['ls-files', '-z', '--cached', '--others', '--exclude-standard']);
    if (result.code !== 0)
        return undefined;
    return [...new Set(result.stdout.split('\0').filter(Boolean))];
}


/***/ }),

/***/ 348:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   checkReason: () => (/* binding */ checkReason),
/* harmony export */   judgeRequiredChecks: () => (/* binding */ judgeRequiredChecks),
/* harmony export */   octokitCheckRuns: () => (/* binding */ octokitCheckRuns)
/* harmony export */ });
/** Required check runs on the tagged commit, read from GitHub's Checks API. */
/**
 * Each required name must have run, finished and concluded `success`. With several runs of one name
 * (several apps, or `filter=all`), every one of them must have succeeded.
 */
function judgeRequiredChecks(required, runs) {
    return required.map((name) => {
        const named = runs.filter((run) => run.name === name);
        if (!named.length)
            return { name, passed: false, state: 'missing' };
        const unfinished = named.find((run) => run.status !== 'completed');
        if (unfinished)
            return { name, passed: false, state: unfinished.status.replace(/_/g, ' '), url: unfinished.html_url ?? undefined };
        const failed = named.find((run) => run.conclusion !== 'success');
        if (failed)
            return { name, passed: false, state: failed.conclusion ?? 'no conclusion', url: failed.html_url ?? undefined };
        return { name, passed: true, state: 'success', url: named[0].html_url ?? undefined };
    });
}
function checkReason(check, ref) {
    const commit = /^[0-9a-f]{40}$/.test(ref) ? ref.slice(0, 12) : ref;
    if (check.state === 'missing')
        return `required check '${check.name}' has not run on ${commit}`;
    if (['queued', 'in progress', 'waiting', 'requested', 'pending'].includes(check.state)) {
        return `required check '${check.name}' has not finished on ${commit} (${check.state})`;
    }
    return `required check '${check.name}' concluded ${check.state} on ${commit}, not success`;
}
/** Every check run on `ref` via octokit's paginate (100 a page), as @actions/github's client gives. */
function octokitCheckRuns(octokit, repository) {
    const [owner, repo] = repository.split('/');
    return async (ref) => (await octokit.paginate('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', { owner, repo, ref, per_page: 100 }));
}


/***/ }),

/***/ 1531:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  MAX_STUB_REASONS: () => (/* binding */ MAX_STUB_REASONS),
  TagError: () => (/* binding */ TagError),
  validateRelease: () => (/* binding */ validateRelease)
});

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
;// CONCATENATED MODULE: ./actions/validate-release/changelog.ts
/** Finds a version's section in a Keep a Changelog file and takes its body as the release notes. */
const changelog_escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/**
 * `## [1.2.3] - 2026-11-20`, `## [1.2.3]`, `## 1.2.3`, `## 1.2.3 (2026-11-20)`; the tag prefix may
 * precede the version (`## [v1.2.3]`). `## [1.2.3-rc.1]` is not a section for 1.2.3.
 */
function sectionHeading(version, prefix = '') {
    const name = `${prefix ? `(?:${changelog_escape(prefix)})?` : ''}${changelog_escape(version)}`;
    return new RegExp(`^##[ \\t]+(?:\\[[ \\t]*${name}[ \\t]*\\]|${name})(?=\\s|$)`);
}
/** A level-1 or level-2 heading ends a section; `###` subsections belong to it. */
const SECTION_END = /^#{1,2}(?:[ \t]|$)/;
/** `[1.2.3]: https://…` link definitions that Keep a Changelog puts at the end of the file. */
const LINK_DEFINITION = /^\[[^\]]+\]:\s*\S+/;
function findSection(text, version, prefix = '') {
    const lines = text.split(/\r?\n/);
    const heading = sectionHeading(version, prefix);
    const start = lines.findIndex((line) => heading.test(line));
    if (start < 0)
        return undefined;
    const next = lines.findIndex((line, i) => i > start && SECTION_END.test(line));
    const body = lines.slice(start + 1, next < 0 ? lines.length : next);
    // The last section runs into the file's link definitions; they are not part of its notes.
    const isLast = next < 0;
    while (body.length && (!body.at(-1).trim() || (isLast && LINK_DEFINITION.test(body.at(-1)))))
        body.pop();
    while (body.length && !body[0].trim())
        body.shift();
    return { heading: lines[start], line: start + 1, body: body.join('\n') };
}

// EXTERNAL MODULE: ./actions/validate-release/history.ts
var validate_release_history = __webpack_require__(4633);
// EXTERNAL MODULE: ./actions/validate-release/required-checks.ts
var required_checks = __webpack_require__(348);
// EXTERNAL MODULE: ./node_modules/minimatch/dist/esm/index.js + 8 modules
var esm = __webpack_require__(1138);
;// CONCATENATED MODULE: ./actions/validate-release/stubs.ts
/** Finds stub markers ("Coming Soon", TODO-style placeholders) in the files a release ships. */

/** Paths (relative, `/`-separated) that at least one glob matches; dotfiles included. */
function selectFiles(paths, globs) {
    return paths.filter((path) => globs.some((glob) => (0,esm/* minimatch */.xF)(path, glob.replace(/^\.\//, ''), { dot: true })));
}
/** As git decides: a NUL byte in the first 8000 bytes makes a file binary. */
function isBinary(content) {
    return content.subarray(0, 8000).includes(0);
}
const MAX_TEXT = 120;
/** Every (line, pattern) that matches in `text`; a line matching two patterns gives two matches. */
function findStubsInText(file, text, patterns) {
    const matches = [];
    text.split(/\r?\n/).forEach((line, i) => {
        for (const pattern of patterns) {
            const found = pattern.regex.exec(line);
            if (!found)
                continue;
            const trimmed = line.trim();
            const shown = trimmed.length > MAX_TEXT ? `${trimmed.slice(0, MAX_TEXT - 1)}…` : trimmed;
            matches.push({ file, line: i + 1, column: found.index + 1, pattern: pattern.source, text: shown });
        }
    });
    return matches;
}

// EXTERNAL MODULE: ./actions/validate-release/version.ts
var validate_release_version = __webpack_require__(93);
;// CONCATENATED MODULE: ./actions/validate-release/validate.ts
/**
 * Runs every release check and collects every reason to stop (never only the first), with what the
 * job summary and the outputs need. The outside world (git, the Checks API) is passed in.
 */







/** Stub matches listed one by one in the error; the summary lists more. */
const MAX_STUB_REASONS = 50;
class TagError extends Error {
}
const outcome = (check, reasons, passedDetail, failedDetail = `${reasons.length} problem(s)`) => ({
    check,
    result: reasons.length ? 'failed' : 'passed',
    detail: reasons.length ? failedDetail : passedDetail,
    reasons,
});
async function readText(path) {
    try {
        return await (0,promises_.readFile)(path, 'utf8');
    }
    catch (error) {
        if (error.code === 'ENOENT' || error.code === 'EISDIR')
            return undefined;
        throw error;
    }
}
async function checkVersionFiles(options, version) {
    if (!options.versionFiles.length)
        return { check: 'version-files', result: 'skipped', detail: 'no version files given', reasons: [] };
    const reasons = [];
    for (const path of options.versionFiles) {
        const reason = (0,validate_release_version/* checkVersionFile */.PM)(path, await readText((0,external_node_path_.join)(options.workspace, path)), version);
        if (reason)
            reasons.push(reason);
    }
    return outcome('version-files', reasons, `${options.versionFiles.join(', ')}: ${version}`);
}
async function checkChangelog(options, version) {
    const text = options.changelog ? await readText((0,external_node_path_.join)(options.workspace, options.changelog)) : undefined;
    const section = text === undefined ? undefined : findSection(text, version, options.tagPrefix);
    const notes = section?.body ?? '';
    if (!options.requireChangelog) {
        const detail = section ? `not required; notes from line ${section.line}` : 'not required';
        return { outcome: { check: 'changelog', result: 'skipped', detail, reasons: [] }, notes };
    }
    const reasons = text === undefined
        ? [`${options.changelog} does not exist (set require-changelog: false to release without one)`]
        : section
            ? []
            : [`${options.changelog} has no section for ${version} (expected a heading such as '## [${version}] - YYYY-MM-DD' or '## ${version}')`];
    return { outcome: outcome('changelog', reasons, `${options.changelog} line ${section?.line}: ${section?.heading}`, 'no section'), notes };
}
async function checkIncrease(options, version, git) {
    if (!options.requireIncrease) {
        // Best effort for the output: the tags that happen to be here, no fetch, never a failure.
        const history = await (0,validate_release_history.readHistory)(git, options.tagPrefix, options.tag, false).catch(() => undefined);
        const previous = history ? ((0,validate_release_history.earlierReleases)(history.tags, options.tagPrefix, options.tag)[0] ?? '') : '';
        return { outcome: { check: 'increase', result: 'skipped', detail: 'not required', reasons: [] }, previous };
    }
    try {
        const history = await (0,validate_release_history.readHistory)(git, options.tagPrefix, options.tag);
        const verdict = (0,validate_release_history.judgeIncrease)(version, (0,validate_release_history.earlierReleases)(history.tags, options.tagPrefix, options.tag), options.tagPrefix);
        const fetched = history.fetched ? ' (tags fetched from origin)' : '';
        const passed = verdict.previous ? `${version} > ${verdict.previous}${fetched}` : `first release${fetched}`;
        return { outcome: outcome('increase', verdict.reason ? [verdict.reason] : [], passed, `${version} ≤ ${verdict.previous}`), previous: verdict.previous };
    }
    catch (error) {
        if (!(error instanceof validate_release_history.HistoryError))
            throw error;
        const reason = `cannot tell whether ${version} is greater than every earlier release: ${error.message}`;
        return { outcome: outcome('increase', [reason], '', 'history not available'), previous: '' };
    }
}
function checkPrerelease(options, release) {
    if (options.allowPrerelease)
        return { check: 'prerelease', result: 'skipped', detail: release.isPrerelease ? `prerelease ${release.prerelease} allowed` : 'allowed', reasons: [] };
    const reasons = release.isPrerelease ? [`${release.version} is a prerelease (${release.prerelease}) and allow-prerelease is false`] : [];
    return outcome('prerelease', reasons, 'not a prerelease', `prerelease ${release.prerelease}`);
}
/** Every file under the workspace, relative with `/`, skipping `.git` and `node_modules`. */
async function walk(root) {
    const entries = await (0,promises_.readdir)(root, { recursive: true, withFileTypes: true });
    return entries
        .filter((entry) => entry.isFile())
        .map((entry) => (0,external_node_path_.relative)(root, (0,external_node_path_.join)(entry.parentPath, entry.name)).split(external_node_path_.sep).join('/'))
        .filter((path) => !/(^|\/)(\.git|node_modules)\//.test(path));
}
async function checkStubs(options, git) {
    if (!options.stubPatterns.length || !options.stubPaths.length) {
        return { outcome: { check: 'stubs', result: 'skipped', detail: 'no stub patterns or paths given', reasons: [] }, matches: [] };
    }
    const files = selectFiles((await (0,validate_release_history.listFiles)(git)) ?? (await walk(options.workspace)), options.stubPaths).sort();
    const matches = [];
    for (const file of files) {
        const content = await (0,promises_.readFile)((0,external_node_path_.join)(options.workspace, file)).catch(() => undefined);
        if (!content || isBinary(content))
            continue;
        matches.push(...findStubsInText(file, content.toString('utf8'), options.stubPatterns));
    }
    const reasons = matches.slice(0, MAX_STUB_REASONS).map((m) => `stub marker '${m.pattern}' at ${m.file}:${m.line}: ${m.text}`);
    if (matches.length > MAX_STUB_REASONS)
        reasons.push(`… and ${matches.length - MAX_STUB_REASONS} more stub markers (listed in the job summary)`);
    const detail = `${files.length} file(s) searched`;
    return { outcome: outcome('stubs', reasons, `${detail}, no match`, `${matches.length} match(es) in ${new Set(matches.map((m) => m.file)).size} file(s)`), matches };
}
async function checkRequired(options, deps) {
    if (!options.requiredChecks.length)
        return { outcome: { check: 'required-checks', result: 'skipped', detail: 'none required', reasons: [] }, checks: [] };
    if (!deps.listCheckRuns)
        throw new Error('required-checks needs a Checks API client');
    const ref = (await (0,validate_release_history.commitOfTag)(deps.git, options.tag)) ?? options.eventSha ?? options.tag;
    let runs;
    try {
        runs = await deps.listCheckRuns(ref);
    }
    catch (error) {
        const reason = `could not read the check runs of ${ref} from GitHub: ${error.message}`;
        return { outcome: outcome('required-checks', [reason], '', 'Checks API error'), checks: [] };
    }
    const checks = (0,required_checks.judgeRequiredChecks)(options.requiredChecks, runs);
    const reasons = checks.filter((check) => !check.passed).map((check) => (0,required_checks.checkReason)(check, ref));
    return { outcome: outcome('required-checks', reasons, `${checks.length} succeeded`, `${reasons.length} of ${checks.length} not successful`), checks };
}
async function validateRelease(options, deps) {
    const release = (0,validate_release_version/* parseTag */.ED)(options.tag, options.tagPrefix);
    if (!release) {
        throw new TagError(`Tag '${options.tag}' is not '${options.tagPrefix}' followed by a semantic version such as ${options.tagPrefix}1.2.3 or ${options.tagPrefix}1.2.3-rc.1 (see tag-prefix)`);
    }
    const [versionFiles, changelog, increase, stubs, required] = await Promise.all([
        checkVersionFiles(options, release.version),
        checkChangelog(options, release.version),
        checkIncrease(options, release.version, deps.git),
        checkStubs(options, deps.git),
        checkRequired(options, deps),
    ]);
    const outcomes = [versionFiles, changelog.outcome, increase.outcome, checkPrerelease(options, release), stubs.outcome, required.outcome];
    return {
        tag: options.tag,
        release,
        previousVersion: increase.previous,
        releaseNotes: changelog.notes,
        outcomes,
        stubMatches: stubs.matches,
        requiredChecks: required.checks,
        reasons: outcomes.flatMap((o) => o.reasons),
    };
}


/***/ }),

/***/ 93:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   ED: () => (/* binding */ parseTag),
/* harmony export */   PM: () => (/* binding */ checkVersionFile),
/* harmony export */   Zy: () => (/* binding */ compareVersions)
/* harmony export */ });
/* unused harmony export versionInFile */
/* harmony import */ var semver__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2088);
/* harmony import */ var semver__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(semver__WEBPACK_IMPORTED_MODULE_0__);
/** The release's semantic version: from the tag, from version files, and the order of releases. */

/** The version a tag names, or undefined when the tag is not `<prefix><semver>` (strict semver 2.0). */
function parseTag(tag, prefix) {
    if (!tag.startsWith(prefix))
        return undefined;
    const version = tag.slice(prefix.length);
    // semver accepts a leading `v` or `=` even in strict mode; a tag `vv1.2.3` is not a release tag.
    if (!/^\d/.test(version))
        return undefined;
    let parsed;
    try {
        parsed = new semver__WEBPACK_IMPORTED_MODULE_0__.SemVer(version);
    }
    catch {
        return undefined;
    }
    const prerelease = parsed.prerelease.join('.');
    return { version, major: parsed.major, minor: parsed.minor, patch: parsed.patch, prerelease, isPrerelease: prerelease !== '' };
}
/** semver order (build metadata ignored, as semver says). */
function compareVersions(a, b) {
    return (0,semver__WEBPACK_IMPORTED_MODULE_0__.compare)(a, b);
}
/**
 * The version a file holds: `version` of a JSON manifest (package.json and the like), or the
 * whole content of a plain file such as VERSION (surrounding whitespace ignored).
 */
function versionInFile(path, text) {
    if (!/\.json$/i.test(path)) {
        const version = text.trim();
        return version ? { version } : { problem: `${path} is empty` };
    }
    let manifest;
    try {
        manifest = JSON.parse(text);
    }
    catch (error) {
        return { problem: `${path} is not valid JSON (${error.message})` };
    }
    const version = manifest?.version;
    if (typeof version !== 'string' || !version)
        return { problem: `${path} has no "version" field` };
    return { version };
}
/** A reason to stop, or undefined when the file holds `expected`. `text` undefined: no such file. */
function checkVersionFile(path, text, expected) {
    if (text === undefined)
        return `${path} does not exist (listed in version-files)`;
    const read = versionInFile(path, text);
    if ('problem' in read)
        return read.problem;
    if (read.version !== expected)
        return `${path} has version ${read.version}, but the tag says ${expected}`;
    return undefined;
}


/***/ })

};

export const id = 633;
export const ids = [633];
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

export const id = 348;
export const ids = [348];
export const modules = {

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


/***/ })

};

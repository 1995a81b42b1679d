export const id = 366;
export const ids = [366];
export const modules = {

/***/ 2985:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   CACHE_KEY_PREFIX: () => (/* binding */ CACHE_KEY_PREFIX),
/* harmony export */   INSTALL_HINT: () => (/* binding */ INSTALL_HINT),
/* harmony export */   cacheKey: () => (/* binding */ cacheKey),
/* harmony export */   cachedPaths: () => (/* binding */ cachedPaths),
/* harmony export */   findOnPath: () => (/* binding */ findOnPath),
/* harmony export */   scanImage: () => (/* binding */ scanImage),
/* harmony export */   trivyArgs: () => (/* binding */ trivyArgs),
/* harmony export */   trivyCacheDir: () => (/* binding */ trivyCacheDir)
/* harmony export */ });
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1421);
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_child_process__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8161);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_os__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_3___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_3__);
/**
 * The `image` mode: runs `trivy image --format json --output <file> <image>` with Trivy's database
 * kept in the Actions cache under a key by date, so repeated runs do not each pull the database
 * from its registry (which rate-limits: trivy-action #389, #430). The cache is a convenience: a
 * missing cache service or a failing cache call only warns, and the scan goes on.
 * Trivy is told to apply no ignore file (the gate applies them, to count what they remove).
 */




const CACHE_KEY_PREFIX = 'trivy-db-';
/** Today's key (UTC date): one database per day is fresh enough, Trivy's own DB is rebuilt every 6 h. */
function cacheKey(now) {
    return `${CACHE_KEY_PREFIX}${now.toISOString().slice(0, 10)}`;
}
/** Trivy's cache folder: TRIVY_CACHE_DIR, else Trivy's default ~/.cache/trivy. */
function trivyCacheDir(env) {
    return env.TRIVY_CACHE_DIR || (0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(env.HOME || (0,node_os__WEBPACK_IMPORTED_MODULE_2__.homedir)(), '.cache', 'trivy');
}
/** The database folders worth caching (not the per-image layer cache). */
function cachedPaths(cacheDir) {
    return [(0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(cacheDir, 'db'), (0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(cacheDir, 'java-db')];
}
function trivyArgs(image, output, cacheDir, noIgnoreFile) {
    return ['image', '--format', 'json', '--output', output, '--cache-dir', cacheDir, '--ignorefile', noIgnoreFile, '--no-progress', image];
}
function findOnPath(command, path) {
    for (const dir of (path ?? '').split(node_path__WEBPACK_IMPORTED_MODULE_3__.delimiter)) {
        if (!dir)
            continue;
        const candidate = (0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(dir, command);
        try {
            (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.accessSync)(candidate, node_fs__WEBPACK_IMPORTED_MODULE_1__.constants.X_OK);
            return candidate;
        }
        catch {
            // not here
        }
    }
    return undefined;
}
const INSTALL_HINT = 'Trivy is not installed: no `trivy` on PATH. Install it in an earlier step (for example with the aquasecurity/setup-trivy ' +
    'action pinned to a commit SHA, or see https://trivy.dev/latest/getting-started/installation/), or give `report` instead of `image`.';
function run(command, args, env) {
    return new Promise((done, fail) => {
        const child = (0,node_child_process__WEBPACK_IMPORTED_MODULE_0__.spawn)(command, args, { env, stdio: ['ignore', 'inherit', 'inherit'] });
        child.on('error', fail);
        child.on('close', (code) => done(code));
    });
}
async function restoreDb(options, paths, key) {
    const { cache, log } = options;
    if (!cache.available()) {
        log.warning('No Actions cache service in this job (ACTIONS_CACHE_URL / ACTIONS_RESULTS_URL unset): Trivy downloads its database, and it is not kept for the next run');
        return undefined;
    }
    try {
        const hit = await cache.restore(paths, key, [CACHE_KEY_PREFIX]);
        log.info(hit ? `Trivy database restored from the cache (key ${hit})` : `No cached Trivy database for ${key}`);
        return hit;
    }
    catch (error) {
        log.warning(`Restoring the Trivy database from the cache failed, scanning without it: ${error.message}`);
        return undefined;
    }
}
async function saveDb(options, paths, key) {
    if (!(0,node_fs__WEBPACK_IMPORTED_MODULE_1__.existsSync)(paths[0]))
        return; // Trivy wrote no database (e.g. --offline-scan): nothing to keep
    try {
        if (await options.cache.save(paths, key))
            options.log.info(`Trivy database saved to the cache under ${key}`);
        else
            options.log.warning(`The Trivy database was not saved to the cache under ${key} (see the log above)`);
    }
    catch (error) {
        options.log.warning(`Saving the Trivy database to the cache failed: ${error.message}`);
    }
}
/** Scans the image and returns the path of the JSON report Trivy wrote. */
async function scanImage(options) {
    const trivy = findOnPath('trivy', options.env.PATH);
    if (!trivy)
        throw new Error(INSTALL_HINT);
    const cacheDir = trivyCacheDir(options.env);
    const paths = cachedPaths(cacheDir);
    const key = cacheKey(options.now);
    options.log.info(`Trivy database cache key: ${key} (restore prefix ${CACHE_KEY_PREFIX})`);
    const hit = await restoreDb(options, paths, key);
    const dir = (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.mkdtempSync)((0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(options.tempDir, 'trivy-gate-'));
    const output = (0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(dir, 'report.json');
    const noIgnoreFile = (0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(dir, 'empty.trivyignore');
    (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.writeFileSync)(noIgnoreFile, '');
    const code = await run(trivy, trivyArgs(options.image, output, cacheDir, noIgnoreFile), options.env);
    if (code !== 0)
        throw new Error(`trivy image failed with exit code ${code} (see its log above)`);
    if (!(0,node_fs__WEBPACK_IMPORTED_MODULE_1__.existsSync)(output))
        throw new Error(`trivy image exited 0 but wrote no report at ${output}`);
    if (hit !== key && options.cache.available())
        await saveDb(options, paths, key);
    return output;
}


/***/ })

};

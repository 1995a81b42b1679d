export const id = 791;
export const ids = [791];
export const modules = {

/***/ 3791:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  prepareGate: () => (/* binding */ prepareGate),
  runGate: () => (/* binding */ runGate)
});

// UNUSED EXPORTS: DEFAULT_IGNORE_FILES, expandReports, loadIgnoreRules, localFiles

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./actions/lib/inputs.ts
var lib_inputs = __webpack_require__(7721);
// EXTERNAL MODULE: ./node_modules/minimatch/dist/esm/index.js + 6 modules
var esm = __webpack_require__(5273);
// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __webpack_require__(8815);
;// CONCATENATED MODULE: ./actions/trivy-gate/purl.ts
const decode = (part) => decodeURIComponent(part);
/** Parses a PURL; undefined when the text is not one. */
function parsePurl(text) {
    try {
        return parse(text);
    }
    catch {
        return undefined; // a malformed %-escape
    }
}
function parse(text) {
    if (!text.startsWith('pkg:'))
        return undefined;
    let rest = text.slice(4).replace(/^\/+/, '');
    let subpath = '';
    const hash = rest.indexOf('#');
    if (hash >= 0) {
        subpath = rest.slice(hash + 1).split('/').filter((s) => s && s !== '.' && s !== '..').map(decode).join('/');
        rest = rest.slice(0, hash);
    }
    const qualifiers = new Map();
    const question = rest.indexOf('?');
    if (question >= 0) {
        for (const pair of rest.slice(question + 1).split('&')) {
            const at = pair.indexOf('=');
            if (at <= 0)
                continue;
            const value = decode(pair.slice(at + 1));
            if (value)
                qualifiers.set(pair.slice(0, at).toLowerCase(), value);
        }
        rest = rest.slice(0, question);
    }
    rest = rest.replace(/\/+$/, '');
    let version = '';
    const at = rest.lastIndexOf('@');
    if (at >= 0 && at > rest.lastIndexOf('/')) {
        version = decode(rest.slice(at + 1));
        rest = rest.slice(0, at);
    }
    const parts = rest.split('/');
    if (parts.length < 2)
        return undefined;
    const type = parts[0].toLowerCase();
    const name = decode(parts[parts.length - 1]);
    if (!type || !name)
        return undefined;
    const namespace = parts.slice(1, -1).map(decode).join('/');
    return { type, namespace, name, version, qualifiers, subpath };
}
/** Whether the rule's PURL `constraint` covers the package `target` (Trivy's PackageURL.Match). */
function purlMatches(constraint, target) {
    if (constraint.type !== target.type || constraint.namespace !== target.namespace || constraint.name !== target.name) {
        return false;
    }
    if (constraint.version && constraint.version !== target.version)
        return false;
    if (constraint.subpath && constraint.subpath !== target.subpath)
        return false;
    for (const [key, value] of constraint.qualifiers) {
        if (target.qualifiers.get(key) !== value)
            return false;
    }
    return true;
}

;// CONCATENATED MODULE: ./actions/trivy-gate/ignore.ts
/**
 * Trivy's ignore files, both formats, matched as Trivy matches them (pkg/result/ignore.go):
 * - `.trivyignore`: one ID per line, `#` comments, an optional `exp:YYYY-MM-DD` field; each ID
 *   applies to vulnerabilities, misconfigurations and secrets alike. A line whose expiry date does
 *   not parse is skipped with a warning, as Trivy does (so the finding still counts).
 * - `.trivyignore.yaml` (chosen by the `.yml`/`.yaml` extension): `vulnerabilities`,
 *   `misconfigurations`, `secrets` lists of `{id, paths, purls, statement, expired_at}`. A rule
 *   may leave out `id` when it names paths or purls (newer Trivy does the same).
 * A rule applies while `now` is not past its expiry (midnight UTC of the date, Trivy's reading).
 * Paths are globs (`**` crosses folders) matched against the target, and for a vulnerability also
 * against its package path; a rule's PURLs only ever match a vulnerability that has a PURL.
 */



class IgnoreFileError extends Error {
    name = 'IgnoreFileError';
}
const ALL_KINDS = ['vulnerability', 'misconfiguration', 'secret'];
const YAML_SECTIONS = {
    vulnerabilities: 'vulnerability',
    misconfigurations: 'misconfiguration',
    secrets: 'secret',
    licenses: undefined, // licenses are not judged by the gate
};
const DAY_MS = 86_400_000;
/** Chooses the format by extension, as Trivy does. */
function parseIgnoreFile(text, fileName) {
    return /\.ya?ml$/i.test(fileName) ? parseYamlIgnore(text, fileName) : parsePlainIgnore(text, fileName);
}
function parsePlainIgnore(text, fileName) {
    const rules = [];
    const warnings = [];
    text.split(/\r?\n/).forEach((raw, index) => {
        const line = raw.trim();
        if (!line || line.startsWith('#'))
            return;
        const fields = line.split(/\s+/);
        const source = `${fileName}:${index + 1}`;
        const expiry = fields.slice(1).find((field) => field.startsWith('exp:'));
        let expiresAt;
        if (expiry) {
            expiresAt = parseDay(expiry.slice(4));
            if (!expiresAt) {
                warnings.push(`${source}: '${expiry}' is not a date (exp:YYYY-MM-DD); the rule for ${fields[0]} is skipped`);
                return;
            }
        }
        rules.push({ id: fields[0], kinds: ALL_KINDS, paths: [], purls: [], expiresAt, source });
    });
    return { rules, warnings };
}
function parseDay(text) {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
    if (!match)
        return undefined;
    const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
    return date.toISOString().startsWith(text) ? date : undefined; // rejects 2024-02-30
}
function parseExpiry(value, where) {
    if (value === undefined || value === null)
        return undefined;
    if (value instanceof Date && !Number.isNaN(value.getTime()))
        return value;
    if (typeof value === 'string') {
        const day = parseDay(value.trim());
        if (day)
            return day;
        // Go's yaml decodes RFC 3339 timestamps into time.Time as well.
        if (/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}/.test(value) && !Number.isNaN(Date.parse(value)))
            return new Date(value);
    }
    throw new IgnoreFileError(`${where}: expired_at must be a date such as 2025-12-31`);
}
function stringList(value, where, field) {
    if (value === undefined || value === null)
        return [];
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && item !== '')) {
        throw new IgnoreFileError(`${where}: ${field} must be a list of strings`);
    }
    return value;
}
function parseYamlIgnore(text, fileName) {
    let document;
    try {
        document = (0,dist.parse)(text);
    }
    catch (error) {
        throw new IgnoreFileError(`${fileName} is not valid YAML (${error.message.split('\n')[0]})`);
    }
    if (document === null || document === undefined)
        return { rules: [], warnings: [] };
    if (typeof document !== 'object' || Array.isArray(document)) {
        throw new IgnoreFileError(`${fileName} must be a mapping with vulnerabilities, misconfigurations and secrets lists`);
    }
    const rules = [];
    const warnings = [];
    for (const [section, entries] of Object.entries(document)) {
        if (!(section in YAML_SECTIONS)) {
            warnings.push(`${fileName}: unknown section '${section}' is not used`);
            continue;
        }
        const kind = YAML_SECTIONS[section];
        if (entries === null)
            continue;
        if (!Array.isArray(entries))
            throw new IgnoreFileError(`${fileName}: ${section} must be a list`);
        if (!kind)
            continue;
        entries.forEach((entry, index) => {
            const where = `${fileName} (${section}[${index}])`;
            if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
                throw new IgnoreFileError(`${where}: each rule must be a mapping with an id`);
            }
            const { id, paths, purls, statement, expired_at } = entry;
            if (id !== undefined && id !== null && (typeof id !== 'string' || id === '')) {
                throw new IgnoreFileError(`${where}: id must be a string`);
            }
            const rule = {
                id: id ?? undefined,
                kinds: [kind],
                paths: stringList(paths, where, 'paths'),
                purls: stringList(purls, where, 'purls'),
                statement: typeof statement === 'string' ? statement : undefined,
                expiresAt: parseExpiry(expired_at, where),
                source: where,
            };
            for (const purl of rule.purls) {
                if (!parsePurl(purl))
                    throw new IgnoreFileError(`${where}: '${purl}' is not a package URL (pkg:type/name@version)`);
            }
            if (!rule.id && !rule.paths.length && !rule.purls.length) {
                throw new IgnoreFileError(`${where}: a rule needs an id, paths or purls (it would ignore everything)`);
            }
            rules.push(rule);
        });
    }
    return { rules, warnings };
}
function isExpired(rule, now) {
    return rule.expiresAt !== undefined && rule.expiresAt.getTime() < now.getTime();
}
const day = (date) => date.toISOString().slice(0, 10);
const ruleName = (rule) => rule.id ?? 'rule';
/** Warnings for rules already expired (they no longer ignore) and rules expiring within `days`. */
function expiryWarnings(rules, now, days) {
    const warnings = [];
    for (const rule of rules) {
        if (!rule.expiresAt)
            continue;
        if (isExpired(rule, now)) {
            warnings.push(`Ignore rule ${ruleName(rule)} (${rule.source}) expired on ${day(rule.expiresAt)}: it no longer ignores anything`);
        }
        else if (rule.expiresAt.getTime() - now.getTime() <= days * DAY_MS) {
            warnings.push(`Ignore rule ${ruleName(rule)} (${rule.source}) expires on ${day(rule.expiresAt)}, within ${days} days`);
        }
    }
    return warnings;
}
/** Matches findings against the rules in force at `now`; rules are indexed by ID for speed. */
class IgnoreMatcher {
    byId = new Map();
    anyId = [];
    constructor(rules, now) {
        for (const rule of rules) {
            if (isExpired(rule, now))
                continue;
            const compiled = {
                rule,
                paths: rule.paths.map((pattern) => new esm/* Minimatch */.VR(pattern, { dot: true })),
                purls: rule.purls.map((purl) => parsePurl(purl)),
            };
            if (rule.id === undefined)
                this.anyId.push(compiled);
            else
                this.byId.set(rule.id, [...(this.byId.get(rule.id) ?? []), compiled]);
        }
    }
    /** The first rule in force that ignores this finding. */
    match(finding) {
        // Called once per finding (100,000 in the benchmark): no allocation on the common path.
        return (firstApplying(this.byId.get(finding.id), finding) ??
            (finding.avdId ? firstApplying(this.byId.get(finding.avdId), finding) : undefined) ??
            firstApplying(this.anyId, finding));
    }
}
function firstApplying(rules, finding) {
    if (rules)
        for (const compiled of rules)
            if (applies(compiled, finding))
                return compiled.rule;
    return undefined;
}
function applies({ rule, paths, purls }, finding) {
    if (!rule.kinds.includes(finding.kind))
        return false;
    if (paths.length) {
        const places = finding.kind === 'vulnerability' && finding.pkgPath ? [finding.target, finding.pkgPath] : [finding.target];
        if (!paths.some((pattern) => places.some((place) => pattern.match(place))))
            return false;
    }
    if (purls.length) {
        const own = finding.purl ? parsePurl(finding.purl) : undefined;
        if (!own || !purls.some((purl) => purlMatches(purl, own)))
            return false;
    }
    return true;
}
function applyIgnoreRules(findings, rules, now) {
    const kept = [];
    const ignored = [];
    if (!rules.length)
        return { kept: findings, ignored };
    const matcher = new IgnoreMatcher(rules, now);
    for (const finding of findings) {
        const rule = matcher.match(finding);
        if (rule)
            ignored.push({ finding, rule });
        else
            kept.push(finding);
    }
    return { kept, ignored };
}

// EXTERNAL MODULE: ./actions/trivy-gate/findings.ts
var trivy_gate_findings = __webpack_require__(9569);
;// CONCATENATED MODULE: ./actions/trivy-gate/policy.ts
/**
 * The verdict. Order of the contract: duplicates merged, ignore rules applied, then
 * - counts by severity: every finding left (vulnerabilities, failed misconfigurations, secrets);
 * - eligible: not in the baseline, and (with ignore-unfixed) not a vulnerability without a fix;
 * - a gated severity (in `severity`, or with a budget given) fails when its eligible
 *   vulnerabilities and misconfigurations outnumber its budget (0 unless given); then all of them
 *   block;
 * - an eligible secret always blocks, whatever its severity: no budget excuses a leaked secret.
 */


function judge({ findings, rules, policy, baseline, now }) {
    const unique = (0,trivy_gate_findings/* dedupe */.Qq)(findings);
    const { kept, ignored } = applyIgnoreRules(unique, rules, now);
    const gated = new Set(policy.severities);
    for (const severity of trivy_gate_findings/* BUDGET_SEVERITIES */.Iw)
        if (policy.budgets[severity] !== undefined)
            gated.add(severity);
    const bySeverity = Object.fromEntries(trivy_gate_findings/* SEVERITIES */.oC.map((severity) => [
        severity,
        { count: 0, eligible: 0, gated: gated.has(severity), budget: policy.budgets[severity] ?? 0, failed: false },
    ]));
    const eligibleBySeverity = new Map(trivy_gate_findings/* SEVERITIES */.oC.map((severity) => [severity, []]));
    const secrets = [];
    let inBaseline = 0;
    let unfixed = 0;
    for (const finding of kept) {
        bySeverity[finding.severity].count++;
        if (baseline?.has(finding.key)) {
            inBaseline++;
        }
        else if (finding.kind === 'secret') {
            secrets.push(finding);
        }
        else if (policy.ignoreUnfixed && finding.kind === 'vulnerability' && !finding.fixedVersion) {
            unfixed++;
        }
        else {
            eligibleBySeverity.get(finding.severity).push(finding);
        }
    }
    const blocking = [];
    for (const severity of trivy_gate_findings/* SEVERITIES */.oC) {
        const verdict = bySeverity[severity];
        const eligible = eligibleBySeverity.get(severity);
        verdict.eligible = eligible.length;
        verdict.failed = verdict.gated && eligible.length > verdict.budget;
        if (verdict.failed)
            blocking.push(...eligible);
    }
    blocking.push(...secrets);
    blocking.sort((a, b) => (0,trivy_gate_findings/* severityRank */.qs)(b.severity) - (0,trivy_gate_findings/* severityRank */.qs)(a.severity)); // stable: report order within a severity
    return {
        passed: blocking.length === 0,
        bySeverity,
        blocking,
        findings: kept,
        ignored,
        blockingKeys: new Set(blocking.map((finding) => finding.key)),
        inBaseline,
        unfixed,
        secrets: secrets.length,
    };
}

;// CONCATENATED MODULE: ./actions/trivy-gate/report.ts
/**
 * Reads Trivy's JSON report (SchemaVersion 2) into findings. Only the fields the gate needs are
 * read; misconfigurations count only with Status FAIL. Anything that is not such a report is a
 * ReportError saying what is wrong, so the caller can name the input that pointed at it.
 */

class ReportError extends Error {
    name = 'ReportError';
}
const report_text = (value) => (typeof value === 'string' && value !== '' ? value : undefined);
const line = (value) => (typeof value === 'number' && value > 0 ? value : undefined);
function normalizeSeverity(value) {
    const upper = typeof value === 'string' ? value.toUpperCase() : '';
    return trivy_gate_findings/* SEVERITIES */.oC.includes(upper) ? upper : 'UNKNOWN';
}
function listAt(result, field, where) {
    const list = result[field];
    if (list === undefined || list === null)
        return [];
    if (!Array.isArray(list))
        throw new ReportError(`${where}.${field} is not a list`);
    return list;
}
function requireId(value, where, field) {
    const id = report_text(value);
    if (!id)
        throw new ReportError(`${where} has no ${field}`);
    return id;
}
function finding(fields) {
    fields.key = (0,trivy_gate_findings/* identityOf */.cu)(fields);
    return fields;
}
/** The findings of one parsed report, in the report's order (duplicates kept: see dedupe). */
function findingsOf(report) {
    if (typeof report !== 'object' || report === null || Array.isArray(report)) {
        throw new ReportError('it is not a JSON object');
    }
    const { SchemaVersion, Results } = report;
    if (SchemaVersion !== 2) {
        throw new ReportError(`its SchemaVersion is ${JSON.stringify(SchemaVersion) ?? 'missing'}, not 2 (trivy --format json)`);
    }
    if (Results === undefined || Results === null)
        return [];
    if (!Array.isArray(Results))
        throw new ReportError('Results is not a list');
    const findings = [];
    Results.forEach((result, r) => {
        const where = `Results[${r}]`;
        if (typeof result !== 'object' || result === null)
            throw new ReportError(`${where} is not an object`);
        const target = typeof result.Target === 'string' ? result.Target : '';
        listAt(result, 'Vulnerabilities', where).forEach((v, i) => {
            const at = `${where}.Vulnerabilities[${i}]`;
            findings.push(finding({
                kind: 'vulnerability',
                id: requireId(v.VulnerabilityID, at, 'VulnerabilityID'),
                target,
                severity: normalizeSeverity(v.Severity),
                title: report_text(v.Title),
                primaryUrl: report_text(v.PrimaryURL),
                pkgName: report_text(v.PkgName),
                pkgPath: report_text(v.PkgPath),
                purl: report_text(v.PkgIdentifier?.PURL),
                installedVersion: report_text(v.InstalledVersion),
                fixedVersion: report_text(v.FixedVersion),
            }));
        });
        listAt(result, 'Misconfigurations', where).forEach((m, i) => {
            const at = `${where}.Misconfigurations[${i}]`;
            const id = report_text(m.ID) ?? requireId(m.AVDID, at, 'ID');
            if (m.Status !== 'FAIL')
                return;
            findings.push(finding({
                kind: 'misconfiguration',
                id,
                avdId: report_text(m.AVDID),
                target,
                severity: normalizeSeverity(m.Severity),
                title: report_text(m.Title),
                message: report_text(m.Message),
                primaryUrl: report_text(m.PrimaryURL),
                line: line(m.CauseMetadata?.StartLine),
            }));
        });
        listAt(result, 'Secrets', where).forEach((s, i) => {
            findings.push(finding({
                kind: 'secret',
                id: requireId(s.RuleID, `${where}.Secrets[${i}]`, 'RuleID'),
                target,
                severity: normalizeSeverity(s.Severity),
                title: report_text(s.Title),
                line: line(s.StartLine),
            }));
        });
    });
    return findings;
}
/** Parses the text of a report (read once by the caller) into its findings. */
function parseReport(json) {
    let report;
    try {
        report = JSON.parse(json);
    }
    catch (error) {
        throw new ReportError(`it is not JSON (${error.message})`);
    }
    return findingsOf(report);
}

;// CONCATENATED MODULE: ./actions/trivy-gate/sarif.ts
const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const SECURITY_SEVERITY = { CRITICAL: '9.5', HIGH: '8.0', MEDIUM: '5.5', LOW: '2.0', UNKNOWN: '0.0' };
/** A target or package path as a relative URI reference ("alpine (alpine 3.9)" has spaces). */
function uriOf(path) {
    const cleaned = path.replace(/^\/+/, '') || 'unknown';
    return cleaned.split('/').map(encodeURIComponent).join('/');
}
function describe(finding) {
    switch (finding.kind) {
        case 'vulnerability':
            return [
                `${finding.id} in ${finding.pkgName ?? 'unknown package'} ${finding.installedVersion ?? ''}`.trimEnd(),
                `Severity: ${finding.severity}`,
                `Fixed version: ${finding.fixedVersion ?? 'none'}`,
                `Target: ${finding.target}`,
            ].join('\n');
        case 'misconfiguration':
            return [`${finding.id}: ${finding.message ?? finding.title ?? ''}`, `Severity: ${finding.severity}`, `Target: ${finding.target}`].join('\n');
        case 'secret':
            return [`Secret (${finding.id}): ${finding.title ?? ''}`, `Severity: ${finding.severity}`, `Target: ${finding.target}`].join('\n');
    }
}
function levelOf(finding, blocking) {
    if (blocking)
        return 'error';
    return finding.severity === 'CRITICAL' || finding.severity === 'HIGH' ? 'warning' : 'note';
}
function toSarif(verdict, toolVersion) {
    const rules = [];
    const ruleIndex = new Map();
    const results = [];
    const uris = new Map(); // many findings share a target
    for (const finding of verdict.findings) {
        let index = ruleIndex.get(finding.id);
        if (index === undefined) {
            index = rules.length;
            ruleIndex.set(finding.id, index);
            const title = finding.title ?? finding.id;
            rules.push({
                id: finding.id,
                name: finding.kind,
                shortDescription: { text: title },
                ...(finding.primaryUrl?.startsWith('http') ? { helpUri: finding.primaryUrl } : {}),
                help: { text: `${title}${finding.primaryUrl ? `\n${finding.primaryUrl}` : ''}` },
                properties: { tags: ['security', finding.kind], 'security-severity': SECURITY_SEVERITY[finding.severity], precision: 'very-high' },
            });
        }
        else if (Number(SECURITY_SEVERITY[finding.severity]) > Number(rules[index].properties['security-severity'])) {
            rules[index].properties['security-severity'] = SECURITY_SEVERITY[finding.severity];
        }
        const where = finding.kind === 'vulnerability' ? (finding.pkgPath ?? finding.target) : finding.target;
        let uri = uris.get(where);
        if (uri === undefined)
            uris.set(where, (uri = uriOf(where)));
        results.push({
            ruleId: finding.id,
            ruleIndex: index,
            level: levelOf(finding, verdict.blockingKeys.has(finding.key)),
            message: { text: describe(finding) },
            locations: [{ physicalLocation: { artifactLocation: { uri }, region: { startLine: finding.line ?? 1 } } }],
        });
    }
    return {
        $schema: SARIF_SCHEMA,
        version: '2.1.0',
        runs: [
            {
                tool: {
                    driver: {
                        name: 'trivy-gate',
                        informationUri: 'https://github.com/aquasecurity/trivy',
                        rules,
                        ...(toolVersion ? { version: toolVersion } : {}),
                    },
                },
                results,
            },
        ],
    };
}

;// CONCATENATED MODULE: ./actions/trivy-gate/gate.ts
/**
 * One run of the gate over files: expands the report globs, reads each report, the baseline and
 * the ignore files exactly once, judges, and writes the SARIF file. File access goes through a
 * small interface so tests and the benchmark can count reads; `now` is a parameter (rule expiry).
 */







const localFiles = {
    readText: (path) => (0,external_node_fs_.readFileSync)(path, 'utf8'),
    writeText: (path, text) => {
        (0,external_node_fs_.mkdirSync)((0,external_node_path_.dirname)(path), { recursive: true });
        (0,external_node_fs_.writeFileSync)(path, text);
    },
    exists: (path) => (0,external_node_fs_.existsSync)(path),
    glob: (pattern, cwd) => (0,external_node_fs_.globSync)(pattern, { cwd }),
};
/** Ignore files looked for in the workspace when `ignore-file` is not given (both when both exist). */
const DEFAULT_IGNORE_FILES = ['.trivyignore', '.trivyignore.yaml'];
const GLOB_CHARS = /[*?[{]/;
const shown = (path, workspace) => {
    const inside = (0,external_node_path_.relative)(workspace, path);
    return inside && !inside.startsWith('..') && !(0,external_node_path_.isAbsolute)(inside) ? inside : path;
};
/** The report files the patterns name, each once, in a stable order; the baseline is left out. */
function expandReports(patterns, workspace, files, exclude) {
    const found = new Set();
    for (const pattern of patterns) {
        const matches = GLOB_CHARS.test(pattern)
            ? files.glob(pattern, workspace).map((match) => (0,external_node_path_.resolve)(workspace, match)).sort()
            : [(0,external_node_path_.resolve)(workspace, pattern)].filter((path) => files.exists(path));
        if (!matches.length)
            throw new lib_inputs/* InputError */.dz('report', `matches no file: ${pattern}`);
        for (const match of matches)
            if (match !== exclude)
                found.add(match);
    }
    if (!found.size)
        throw new lib_inputs/* InputError */.dz('report', 'matches only the baseline report');
    return [...found];
}
function readFindings(path, input, workspace, files) {
    let text;
    try {
        text = files.readText(path);
    }
    catch (error) {
        throw new lib_inputs/* InputError */.dz(input, `names ${shown(path, workspace)}, which cannot be read (${error.code ?? error.message})`);
    }
    try {
        return parseReport(text);
    }
    catch (error) {
        if (error instanceof ReportError) {
            throw new lib_inputs/* InputError */.dz(input, `names ${shown(path, workspace)}, which is not a Trivy JSON report: ${error.message}`);
        }
        throw error;
    }
}
function loadIgnoreRules(ignoreFile, workspace, files) {
    let paths;
    if (ignoreFile) {
        const path = (0,external_node_path_.resolve)(workspace, ignoreFile);
        if (!files.exists(path))
            throw new lib_inputs/* InputError */.dz('ignore-file', `names a file that does not exist: ${ignoreFile}`);
        paths = [path];
    }
    else {
        paths = DEFAULT_IGNORE_FILES.map((name) => (0,external_node_path_.resolve)(workspace, name)).filter((path) => files.exists(path));
    }
    const rules = [];
    const warnings = [];
    for (const path of paths) {
        const name = shown(path, workspace);
        try {
            const parsed = parseIgnoreFile(files.readText(path), name);
            rules.push(...parsed.rules);
            warnings.push(...parsed.warnings);
        }
        catch (error) {
            if (error instanceof IgnoreFileError)
                throw new lib_inputs/* InputError */.dz('ignore-file', `(${name}) is not valid: ${error.message}`);
            throw error;
        }
    }
    return { rules, warnings, used: paths.map((path) => shown(path, workspace)) };
}
/** Checks and loads everything the inputs name except the reports, before any scan is started. */
function prepareGate(inputs, workspace, files = localFiles) {
    const baselinePath = inputs.baseline ? (0,external_node_path_.resolve)(workspace, inputs.baseline) : undefined;
    if (baselinePath && !files.exists(baselinePath))
        throw new lib_inputs/* InputError */.dz('baseline', `names a file that does not exist: ${inputs.baseline}`);
    return { inputs, workspace, files, ignore: loadIgnoreRules(inputs.ignoreFile, workspace, files), baselinePath };
}
/** Judges the reports (`inputs.reports`, or the file a scan wrote) and writes the SARIF file. */
function runGate(prepared, reports, now) {
    const { inputs, workspace, files, ignore, baselinePath } = prepared;
    const reportPaths = expandReports(reports, workspace, files, baselinePath);
    const findings = [];
    for (const path of reportPaths) {
        for (const finding of readFindings(path, 'report', workspace, files))
            findings.push(finding);
    }
    const baseline = baselinePath ? new Set(readFindings(baselinePath, 'baseline', workspace, files).map((finding) => finding.key)) : undefined;
    const verdict = judge({ findings, rules: ignore.rules, policy: inputs.policy, baseline, now });
    const warnings = [...ignore.warnings, ...expiryWarnings(ignore.rules, now, inputs.expiryWarningDays)];
    let sarifPath;
    if (inputs.sarif) {
        sarifPath = (0,external_node_path_.resolve)(workspace, inputs.sarif);
        files.writeText(sarifPath, `${JSON.stringify(toSarif(verdict))}\n`);
    }
    return { verdict, sources: reportPaths.map((path) => shown(path, workspace)), ignoreFiles: ignore.used, warnings, sarifPath };
}


/***/ })

};

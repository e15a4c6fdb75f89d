import {
  BuildData,
  BuildState,
  IssueAssociation,
  IssueKey,
  JIRA_DEVOPS_LIMITS,
  type SubmitBuildsRequest,
} from '@testbridge/shared/jira/builds';

/**
 * A fast path for the usual, valid `submitBuilds` body. Zod allocates a result per field, which
 * made validation the largest cost of ingesting a build; these plain checks prove the body valid
 * under `SubmitBuildsRequest` (each is at least as strict as the schema's; URLs, dates and issue
 * keys are checked by the schema's own leaves) and then the body is used as it is. Whatever they
 * cannot prove (bad input, rare fields, any doubt) goes to zod, which decides and names the
 * errors. `fast-builds.test.ts` checks it against zod on valid and broken variants.
 */
export function isPlainValidBuilds(body: unknown): body is SubmitBuildsRequest {
  if (!isPlainBuildsEnvelope(body)) return false;
  for (const build of body.builds) if (!isPlainValidBuild(build)) return false;
  return true;
}

/**
 * The envelope of a `submitBuilds` body (everything but the builds themselves) is valid under
 * `SubmitBuildsEnvelope`: 1–100 builds, valid `properties` and `providerMetadata`.
 */
export function isPlainBuildsEnvelope(
  body: unknown,
): body is Omit<SubmitBuildsRequest, 'builds'> & { builds: unknown[] } {
  if (!isPlainObject(body) || !hasOnly(body, ENVELOPE_KEYS)) return false;
  if (body.properties !== undefined && !isPlainProperties(body.properties)) return false;
  const meta = body.providerMetadata;
  if (meta !== undefined && !(isPlainObject(meta) && hasOnly(meta, META_KEYS))) return false;
  if (isPlainObject(meta) && meta.product !== undefined && !isText(meta.product, 0, 255)) {
    return false;
  }
  const builds = body.builds;
  if (!Array.isArray(builds) || builds.length < 1) return false;
  return builds.length <= JIRA_DEVOPS_LIMITS.itemsPerRequest;
}

const ENVELOPE_KEYS = new Set(['properties', 'providerMetadata', 'builds']);
const META_KEYS = new Set(['product']);
const BUILD_KEYS = new Set(Object.keys(BuildData.shape));
const TEST_INFO_KEYS = new Set(['totalNumber', 'numberPassed', 'numberFailed', 'numberSkipped']);
const REFERENCE_KEYS = new Set(['commit', 'ref']);
const COMMIT_KEYS = new Set(['id', 'repositoryUri']);
const REF_KEYS = new Set(['name', 'uri']);
const STATES = new Set<unknown>(BuildState.options);
const urlLeaf = BuildData.shape.url;
const URL_MAX = urlLeaf.maxLength ?? 0;
const dateLeaf = BuildData.shape.lastUpdated;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.getPrototypeOf(value) === Object.prototype
  );
}

function hasOnly(value: Record<string, unknown>, allowed: Set<string>): boolean {
  for (const key in value) if (!allowed.has(key)) return false;
  return Object.getOwnPropertySymbols(value).length === 0;
}

const isText = (value: unknown, min: number, max: number): value is string =>
  typeof value === 'string' && value.length >= min && value.length <= max;

const isInt = (value: unknown, min = Number.MIN_SAFE_INTEGER) =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= min;

/**
 * The schema's own leaf accepts it and gives it back unchanged (URLs would be trimmed). The last
 * accepted value of each leaf is remembered: a batch usually repeats its dates and issue keys.
 */
function leafChecker(leaf: typeof urlLeaf | typeof dateLeaf | typeof IssueKey) {
  let lastAccepted: string | undefined;
  return (value: unknown): boolean => {
    if (typeof value !== 'string') return false;
    if (value === lastAccepted) return true;
    const result = leaf.safeParse(value);
    if (!result.success || result.data !== value) return false;
    lastAccepted = value;
    return true;
  };
}
/**
 * `z.url().max(2000)` without zod's per-call work (URLs differ in every build, so the memory above
 * rarely helps them): for a string without whitespace zod's trim and tab/newline stripping change
 * nothing, and its check is then exactly `URL.canParse`. Anything with whitespace goes to the leaf.
 */
const urlByLeaf = leafChecker(urlLeaf);
const WHITESPACE = /\s/;
const isUrl = (value: unknown): boolean =>
  typeof value === 'string' && value.length <= URL_MAX && !WHITESPACE.test(value)
    ? URL.canParse(value)
    : urlByLeaf(value);
const isDate = leafChecker(dateLeaf);
const isIssueKey = leafChecker(IssueKey);

function isPlainProperties(value: unknown): boolean {
  if (!isPlainObject(value) || Object.getOwnPropertySymbols(value).length > 0) return false;
  let count = 0;
  for (const key in value) {
    count += 1;
    if (key.length < 1 || key.includes(':') || key.startsWith('_')) return false;
    if (!isText(value[key], 0, 255)) return false;
  }
  return count <= JIRA_DEVOPS_LIMITS.properties;
}

function isStringArray(value: unknown, min: number, max: number): value is string[] {
  return Array.isArray(value) && value.length >= min && value.length <= max;
}

/** One build is valid under `BuildData` (then it is used as it is); false: let zod decide. */
export function isPlainValidBuild(build: unknown): build is BuildData {
  if (!isPlainObject(build) || !hasOnly(build, BUILD_KEYS)) return false;
  if (build.schemaVersion !== undefined && build.schemaVersion !== '1.0') return false;
  if (!isText(build.pipelineId, 1, 255) || !isText(build.displayName, 1, 255)) return false;
  if (!isInt(build.buildNumber) || !isInt(build.updateSequenceNumber)) return false;
  if (build.description !== undefined && !isText(build.description, 0, 255)) return false;
  if (build.label !== undefined && !isText(build.label, 0, 255)) return false;
  if (!STATES.has(build.state)) return false;
  if (!isUrl(build.url) || !isDate(build.lastUpdated)) return false;
  const { issueKeys, associations } = build;
  if (issueKeys === undefined && associations === undefined) return false;
  if (issueKeys !== undefined) {
    if (!isStringArray(issueKeys, 1, JIRA_DEVOPS_LIMITS.issueKeysPerItem)) return false;
    for (const key of issueKeys) if (!isIssueKey(key)) return false;
  }
  if (associations !== undefined && !isPlainAssociations(associations)) return false;
  if (build.testInfo !== undefined && !isPlainTestInfo(build.testInfo)) return false;
  if (build.references !== undefined && !isPlainReferences(build.references)) return false;
  return true;
}

function isPlainAssociations(value: unknown): boolean {
  if (!Array.isArray(value) || value.length < 1) return false;
  let total = 0;
  for (const association of value) {
    // Rare in CI bodies: the schema's own leaf (exact), then the cross-field limit.
    const parsed = IssueAssociation.safeParse(association);
    if (!parsed.success || !isPlainObject(association)) return false;
    if (!isStringArray(association.values, 1, JIRA_DEVOPS_LIMITS.associationValues)) return false;
    total += association.values.length;
  }
  return total <= JIRA_DEVOPS_LIMITS.associationValues;
}

function isPlainTestInfo(value: unknown): boolean {
  if (!isPlainObject(value) || !hasOnly(value, TEST_INFO_KEYS)) return false;
  if (!isInt(value.totalNumber, 0) || !isInt(value.numberPassed, 0)) return false;
  if (!isInt(value.numberFailed, 0)) return false;
  return value.numberSkipped === undefined || isInt(value.numberSkipped, 0);
}

function isPlainReferences(value: unknown): boolean {
  if (!Array.isArray(value) || value.length < 1) return false;
  if (value.length > JIRA_DEVOPS_LIMITS.referencesPerBuild) return false;
  for (const reference of value) {
    if (!isPlainObject(reference) || !hasOnly(reference, REFERENCE_KEYS)) return false;
    const { commit, ref } = reference;
    if (commit !== undefined) {
      if (!isPlainObject(commit) || !hasOnly(commit, COMMIT_KEYS)) return false;
      if (!isText(commit.id, 1, 255) || !isText(commit.repositoryUri, 1, 2000)) return false;
    }
    if (ref !== undefined) {
      if (!isPlainObject(ref) || !hasOnly(ref, REF_KEYS)) return false;
      if (!isText(ref.name, 1, 255) || !isText(ref.uri, 1, 2000)) return false;
    }
  }
  return true;
}

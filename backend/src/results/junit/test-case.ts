/**
 * What the JUnit reader collects for one `<testcase>` while it streams, and how that becomes a
 * `ReportTestCase`: statuses, reruns, durations, truncation, keys, requirements and properties.
 */
import {
  REPORT_LIMITS,
  type ReportedStatus,
  ReportIssueKey,
  type ReportTestCase,
} from '@testbridge/shared/api/test-report';

/** Cut to `max` characters, the last one `…`: long text is kept in part, never refused. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  // Do not split a surrogate pair.
  let end = max - 1;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/** Text collected up to a cap: a 10 MB `system-out` costs at most `max` characters here. */
export class TextBuffer {
  private parts: string[] = [];
  private length = 0;
  private cut = false;

  constructor(private readonly max: number) {}

  append(chunk: string): void {
    // Leading whitespace never takes room from the text itself.
    const text = this.length === 0 ? chunk.trimStart() : chunk;
    if (text.length === 0) return;
    const room = this.max - this.length;
    if (text.length > room) this.cut = true;
    if (room <= 0) return;
    const kept = text.length > room ? text.slice(0, room) : text;
    this.parts.push(kept);
    this.length += kept.length;
  }

  /** The text, trimmed, at most `limit` characters; `…` marks that more was there. */
  text(limit: number): string {
    const whole = this.parts.join('').trim();
    if (whole.length === 0) return '';
    return truncate(this.cut ? `${whole}…` : whole, limit);
  }
}

/** One result element (`failure`, `error`, `skipped`, or a rerun/flaky one) of a testcase. */
export interface OutcomeDraft {
  status: Exclude<ReportedStatus, 'passed'>;
  message: string | undefined;
  text: TextBuffer;
}

/** One `<testcase>` as read so far; `testCaseOf` turns it into the reported case. */
export interface CaseDraft {
  name: string;
  classname: string | undefined;
  suite: string | undefined;
  time: string | undefined;
  /** The first `failure`/`error`, else the first `skipped`. */
  outcome: OutcomeDraft | undefined;
  /** The first `flakyFailure`/`flakyError`: why it flaked. */
  firstFlaky: OutcomeDraft | undefined;
  flakyCount: number;
  rerunCount: number;
  rerunStatus: 'failed' | 'error' | undefined;
  properties: Array<[string, string]>;
  output: TextBuffer | undefined;
}

/** Enough of the text for the stack, the first line and the `…` mark. */
export const newOutcomeText = () => new TextBuffer(REPORT_LIMITS.stackLength + 1);
export const newOutputText = () => new TextBuffer(REPORT_LIMITS.outputLength + 1);
/** A property's element text (multi-line properties, Testmo's convention). */
export const newPropertyText = () => new TextBuffer(4001);

/** Testcase properties naming the test's key (Testbridge's own first) and its requirements. */
export const KEY_PROPERTIES = ['testbridge.key', 'test_key'] as const;
export const REQUIREMENTS_PROPERTY = 'requirements';

/**
 * Seconds as JUnit writes them, to milliseconds. Surefire writes thousands separators
 * (`1,234.5`); anything unreadable or negative is no duration rather than an error.
 */
export function durationMsOf(time: string | undefined): number | undefined {
  if (time === undefined) return undefined;
  let text = time.trim();
  if (/^\d{1,3}(,\d{3})+(\.\d*)?$/.test(text)) text = text.replaceAll(',', '');
  if (!/^(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return undefined;
  const ms = Math.round(Number(text) * 1e6) / 1e3;
  return Number.isFinite(ms) && ms <= 1e12 ? ms : undefined;
}

const firstLine = (text: string): string | undefined =>
  text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .find((line) => line.length > 0);

function messageAndStack(outcome: OutcomeDraft): Pick<ReportTestCase, 'message' | 'stack'> {
  const stack = outcome.text.text(REPORT_LIMITS.stackLength);
  const message = outcome.message?.trim() || firstLine(stack);
  return {
    ...(message ? { message: truncate(message, REPORT_LIMITS.messageLength) } : {}),
    ...(stack ? { stack } : {}),
  };
}

/** Keys, requirements and other properties, within the contract's limits. */
function propertiesOf(
  pairs: Array<[string, string]>,
): Pick<ReportTestCase, 'key' | 'requirements' | 'properties'> {
  const keys = new Map<string, string>();
  const requirements = new Set<string>();
  const properties: Record<string, string> = {};
  let count = 0;
  for (const [rawName, rawValue] of pairs) {
    const name = rawName.trim();
    const value = rawValue.trim();
    if ((KEY_PROPERTIES as readonly string[]).includes(name) && value && value.length <= 255) {
      if (!keys.has(name)) keys.set(name, value);
      continue;
    }
    if (name === REQUIREMENTS_PROPERTY) {
      for (const word of value.split(/[\s,;]+/)) {
        if (ReportIssueKey.safeParse(word).success) requirements.add(word);
      }
      continue;
    }
    if (!name) continue;
    const key = truncate(name, 255);
    if (key in properties) {
      properties[key] = truncate(`${properties[key]}\n${value}`, 4000);
    } else if (count < REPORT_LIMITS.propertiesPerTest) {
      properties[key] = truncate(value, 4000);
      count += 1;
    }
  }
  const key = KEY_PROPERTIES.map((name) => keys.get(name)).find((value) => value !== undefined);
  const required = [...requirements].slice(0, REPORT_LIMITS.requirementsPerTest);
  return {
    ...(key ? { key } : {}),
    ...(required.length > 0 ? { requirements: required } : {}),
    ...(count > 0 ? { properties } : {}),
  };
}

/**
 * The case as reported. A final `failure`/`error` (or only reruns of one) is that status, with
 * `attempts` = 1 + reruns; flaky elements without one are a pass that flaked; else passed/skipped.
 */
export function testCaseOf(draft: CaseDraft): ReportTestCase {
  const { outcome } = draft;
  let status: ReportedStatus = outcome?.status ?? draft.rerunStatus ?? 'passed';
  if (outcome?.status === 'skipped' && draft.rerunStatus) status = draft.rerunStatus;
  const flaky = status === 'passed' && draft.flakyCount > 0;
  const attempts = 1 + draft.flakyCount + draft.rerunCount;
  const explained = outcome ?? (flaky ? draft.firstFlaky : undefined);
  const classname = draft.classname?.trim();
  const suite = draft.suite?.trim();
  const durationMs = durationMsOf(draft.time);
  const output = draft.output?.text(REPORT_LIMITS.outputLength);
  return {
    ...propertiesOf(draft.properties),
    name: truncate(draft.name.trim(), REPORT_LIMITS.nameLength),
    ...(classname ? { classname: truncate(classname, REPORT_LIMITS.nameLength) } : {}),
    ...(suite ? { suite: truncate(suite, REPORT_LIMITS.nameLength) } : {}),
    status,
    ...(durationMs === undefined ? {} : { durationMs }),
    ...(explained ? messageAndStack(explained) : {}),
    ...(output ? { output } : {}),
    ...(flaky ? { flaky } : {}),
    ...(attempts > 1 ? { attempts: Math.min(attempts, 1000) } : {}),
  };
}

/**
 * The streaming JUnit XML reader: saxes events → one `ReportTestCase` per `<testcase>`, yielded
 * as soon as its end tag is read. Nothing holds the document: only the open elements, the case
 * being read and the cases of the chunk just written.
 */
import { REPORT_LIMITS, type ReportTestCase } from '@testbridge/shared/api/test-report';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import {
  DEFAULT_MAX_BYTES,
  type ReportLimits,
  type ReportSource,
  reportBytes,
  reportError,
  utf8Text,
} from './input.ts';
import { PrologGuard } from './prolog.ts';
import {
  type CaseDraft,
  newOutcomeText,
  newOutputText,
  newPropertyText,
  type OutcomeDraft,
  type TextBuffer,
  testCaseOf,
  truncate,
} from './test-case.ts';

/** Limits of one JUnit file; defaults in `DEFAULT_JUNIT_LIMITS`. */
export interface JUnitLimits extends ReportLimits {
  maxDepth: number;
  maxAttributes: number;
  /** Characters in one attribute value. */
  maxAttributeLength: number;
  maxCases: number;
}

/** 100 MiB, depth 64, 64 attributes of at most 64 KiB, `REPORT_LIMITS.casesPerReport` cases. */
export const DEFAULT_JUNIT_LIMITS: JUnitLimits = {
  maxBytes: DEFAULT_MAX_BYTES,
  maxDepth: 64,
  maxAttributes: 64,
  maxAttributeLength: 64 * 1024,
  maxCases: REPORT_LIMITS.casesPerReport,
};

/** The file and request field errors name, and limits lowered or raised from the defaults. */
export interface JUnitReadOptions extends ReportSource {
  limits?: Partial<JUnitLimits>;
}

/** Roots that are test reports, but not JUnit XML: named, so the caller knows what to send. */
const FOREIGN_ROOTS = new Map([
  ['TestRun', 'a .NET TRX report (<TestRun>)'],
  ['test-run', 'an NUnit 3 report (<test-run>)'],
  ['test-results', 'an NUnit 2 report (<test-results>)'],
  ['assemblies', 'an xUnit.net report (<assemblies>)'],
]);

const OUTCOMES = new Map<string, OutcomeDraft['status']>([
  ['failure', 'failed'],
  ['error', 'error'],
  ['skipped', 'skipped'],
]);
const FLAKY = new Set(['flakyFailure', 'flakyError']);
const RERUNS = new Map<string, 'failed' | 'error'>([
  ['rerunFailure', 'failed'],
  ['rerunError', 'error'],
]);

const isRerunElement = (name: string | undefined): boolean =>
  name !== undefined && (FLAKY.has(name) || RERUNS.has(name));

/** saxes's message, with a hint where the usual cause is known. */
function explain(message: string): string {
  const what = message.replace(/\.$/, '');
  if (what.startsWith('undefined entity')) {
    return `${what} (only &lt; &gt; &amp; &quot; &apos; and character references are allowed)`;
  }
  if (what.startsWith('unclosed tag')) return `${what} (is the file truncated?)`;
  return what;
}

/** Largest piece of text handed to saxes at once, so the cases of a write stay few. */
const WRITE_SLICE = 64 * 1024;

/**
 * Reads a JUnit XML report (raw or gzip, UTF-8) and yields its test cases in document order.
 *
 * Gradle's default output and gotestsum `--rerun-fails` write one `<testcase>` per attempt: each
 * is yielded as it stands, and the import merges them (last attempt wins; failed then passed is
 * flaky). Surefire-style `flakyFailure`/`rerunFailure` children are folded into one case here.
 * Bad or hostile input (a DOCTYPE, an undefined entity, malformed XML, a foreign root, limits
 * crossed, corrupt gzip, invalid UTF-8) throws `AppError('validation_failed')` naming
 * `options.field` and `<fileName> line L, column C`. Stopping early stops reading `source`.
 */
export async function* readJUnitReport(
  source: AsyncIterable<Uint8Array>,
  options: JUnitReadOptions,
): AsyncGenerator<ReportTestCase> {
  const limits = { ...DEFAULT_JUNIT_LIMITS, ...options.limits };
  const reader = new JUnitCaseReader(options, limits);
  const text = utf8Text(reportBytes(source, limits, options), (cause) =>
    reader.errorHere(
      'has bytes that are not UTF-8 after this point (reports are read as UTF-8)',
      cause,
    ),
  );
  for await (const chunk of text) {
    for (let at = 0; at < chunk.length; at += WRITE_SLICE) {
      yield* reader.write(chunk.slice(at, at + WRITE_SLICE));
    }
  }
  yield* reader.close();
}

interface Frame {
  name: string;
  capture: TextBuffer | undefined;
}

/** The saxes state machine behind `readJUnitReport`. */
class JUnitCaseReader {
  private readonly parser = new SaxesParser({ xmlns: false, position: true });
  private readonly prolog = new PrologGuard();
  private readonly stack: Frame[] = [];
  private readonly suites: Array<string | undefined> = [];
  private readonly done: ReportTestCase[] = [];
  private draft: CaseDraft | undefined;
  private flakyOrRerun: OutcomeDraft | undefined;
  private property: { name: string; value: string | undefined; text: TextBuffer } | undefined;
  private attributes = 0;
  private cases = 0;

  constructor(
    private readonly source: ReportSource,
    private readonly limits: JUnitLimits,
  ) {
    const p = this.parser;
    p.on('error', (error) => {
      throw this.errorHere(explain(error.message.replace(/^\d+:\d+: /, '')), error);
    });
    p.on('doctype', () => {
      throw this.errorHere('a DOCTYPE is not allowed in test reports');
    });
    p.on('opentagstart', (tag) => this.openStart(tag.name));
    p.on('attribute', ({ name, value }) => {
      this.attributes += 1;
      if (this.attributes > this.limits.maxAttributes) {
        throw this.errorHere(`an element has more than ${this.limits.maxAttributes} attributes`);
      }
      if (value.length > this.limits.maxAttributeLength) {
        throw this.errorHere(
          `the attribute ${truncate(name, 100)} is longer than ${this.limits.maxAttributeLength} characters`,
        );
      }
    });
    p.on('opentag', (tag) => this.open(tag));
    p.on('closetag', (tag) => this.closeTag(tag.name));
    p.on('text', (text) => this.stack.at(-1)?.capture?.append(text));
    p.on('cdata', (text) => this.stack.at(-1)?.capture?.append(text));
  }

  /** The error at the parser's position (1-based line and column of the last character read). */
  errorHere(what: string, cause?: unknown) {
    const { line, column } = this.parser;
    return reportError(this.source, what, { line, column: Math.max(column, 1) }, cause);
  }

  /** Parses the text; the cases it completed are yielded even when it then fails. */
  *write(text: string): Generator<ReportTestCase> {
    yield* this.flushing(() => {
      const checked = this.prolog.push(text);
      if (checked.doctypeAt !== undefined) {
        this.parser.write(checked.text.slice(0, checked.doctypeAt));
        const { line, column } = this.parser;
        throw reportError(this.source, 'a DOCTYPE is not allowed in test reports', {
          line,
          column: column + 1,
        });
      }
      if (checked.tooLong) throw this.errorHere('the text before the root element is too long');
      if (checked.text.length > 0) this.parser.write(checked.text);
    });
  }

  *close(): Generator<ReportTestCase> {
    yield* this.flushing(() => {
      const rest = this.prolog.end();
      if (rest.length > 0) this.parser.write(rest);
      this.parser.close();
    });
  }

  private *flushing(parse: () => void): Generator<ReportTestCase> {
    let failure: unknown;
    try {
      parse();
    } catch (error) {
      failure = error;
    }
    yield* this.done.splice(0);
    if (failure !== undefined) throw failure;
  }

  private openStart(name: string): void {
    this.attributes = 0;
    if (this.stack.length === 0 && name !== 'testsuites' && name !== 'testsuite') {
      const foreign = FOREIGN_ROOTS.get(name);
      throw this.errorHere(
        foreign
          ? `this is ${foreign}, not JUnit XML; export the results as JUnit XML`
          : `the root element is <${truncate(name, 100)}>, not <testsuites> or <testsuite> (JUnit XML)`,
      );
    }
    if (this.stack.length + 1 > this.limits.maxDepth) {
      throw this.errorHere(`elements are nested deeper than ${this.limits.maxDepth} levels`);
    }
  }

  private open(tag: SaxesTagPlain): void {
    const { name, attributes } = tag;
    const parent = this.stack.at(-1)?.name;
    let capture: TextBuffer | undefined;
    if (name === 'testsuite') {
      this.suites.push(attributes.name?.trim() || undefined);
    } else if (name === 'testcase' && !this.draft) {
      this.startCase(attributes);
    } else if (this.draft && parent === 'testcase') {
      capture = this.openInCase(name, attributes);
    } else if (this.flakyOrRerun && isRerunElement(parent)) {
      // Surefire and Playwright put a rerun's trace in <stackTrace>; its output is not kept.
      capture = name === 'stackTrace' ? this.flakyOrRerun.text : undefined;
    } else if (
      this.draft &&
      name === 'property' &&
      parent === 'properties' &&
      this.stack.at(-2)?.name === 'testcase'
    ) {
      const text = newPropertyText();
      this.property = { name: attributes.name ?? '', value: attributes.value, text };
      capture = text;
    }
    this.stack.push({ name, capture });
  }

  private startCase(attributes: Record<string, string>): void {
    this.cases += 1;
    if (this.cases > this.limits.maxCases) {
      throw this.errorHere(`the report has more than ${this.limits.maxCases} test cases`);
    }
    const name = attributes.name?.trim();
    if (!name) throw this.errorHere('a <testcase> has no name');
    this.draft = {
      name,
      classname: attributes.classname,
      suite: this.suites.findLast((suite) => suite !== undefined),
      time: attributes.time,
      outcome: undefined,
      firstFlaky: undefined,
      flakyCount: 0,
      rerunCount: 0,
      rerunStatus: undefined,
      properties: [],
      output: undefined,
    };
  }

  /** A direct child of `<testcase>`: returns where its text goes. */
  private openInCase(name: string, attributes: Record<string, string>): TextBuffer | undefined {
    const draft = this.draft as CaseDraft;
    const status = OUTCOMES.get(name);
    if (status) {
      const outcome = { status, message: attributes.message, text: newOutcomeText() };
      // A failure or error outranks a skip; otherwise the first result element stands.
      const weaker = draft.outcome?.status === 'skipped' && status !== 'skipped';
      if (!draft.outcome || weaker) draft.outcome = outcome;
      return draft.outcome === outcome ? outcome.text : undefined;
    }
    if (isRerunElement(name)) {
      const rerun = RERUNS.get(name);
      const outcome: OutcomeDraft = {
        status: rerun ?? (name === 'flakyError' ? 'error' : 'failed'),
        message: attributes.message,
        text: newOutcomeText(),
      };
      if (rerun) {
        draft.rerunCount += 1;
        draft.rerunStatus ??= rerun;
      } else {
        draft.flakyCount += 1;
        draft.firstFlaky ??= outcome;
      }
      this.flakyOrRerun = outcome;
      return outcome.text;
    }
    if (name === 'system-out' && !draft.output) {
      draft.output = newOutputText();
      return draft.output;
    }
    return undefined;
  }

  private closeTag(name: string): void {
    this.stack.pop();
    if (name === 'testsuite') this.suites.pop();
    if (isRerunElement(name)) this.flakyOrRerun = undefined;
    if (name === 'property' && this.property && this.draft) {
      const { name: key, value, text } = this.property;
      this.draft.properties.push([key, value ?? text.text(4000)]);
      this.property = undefined;
    }
    if (name === 'testcase' && this.draft && this.stack.at(-1)?.name !== 'testcase') {
      this.done.push(testCaseOf(this.draft));
      this.draft = undefined;
    }
  }
}

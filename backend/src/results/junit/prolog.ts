/**
 * Finds a `<!DOCTYPE` before the parser reads a character of it. saxes would read the whole
 * declaration before reporting it (expanding nothing, but buffering it all), so the reader
 * refuses at its first byte instead. Only the prolog (XML declaration, comments, processing
 * instructions, whitespace) is scanned; from the root element on, text passes straight through.
 */

const DOCTYPE = '<!DOCTYPE';
const OPENERS = ['<?', '<!--', DOCTYPE];
/** A prolog longer than this is not a test report's. */
export const MAX_PROLOG_CHARS = 1024 * 1024;

/** `more`: the prolog goes on past `text`; scanning resumes at `from` once more text comes. */
type Scan = { kind: 'doctype' | 'body'; at: number } | { kind: 'more'; from: number };

const isSpace = (code: number) => code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;

function scanProlog(text: string, from: number): Scan {
  let i = from;
  while (true) {
    while (i < text.length && isSpace(text.charCodeAt(i))) i += 1;
    if (i >= text.length) return { kind: 'more', from: i };
    const rest = text.slice(i, i + DOCTYPE.length);
    if (rest.length < DOCTYPE.length && OPENERS.some((opener) => opener.startsWith(rest))) {
      return { kind: 'more', from: i };
    }
    if (rest.startsWith('<?')) {
      const end = text.indexOf('?>', i + 2);
      if (end < 0) return { kind: 'more', from: i };
      i = end + 2;
    } else if (rest.startsWith('<!--')) {
      const end = text.indexOf('-->', i + 4);
      if (end < 0) return { kind: 'more', from: i };
      i = end + 3;
    } else {
      return { kind: rest === DOCTYPE ? 'doctype' : 'body', at: i };
    }
  }
}

/** What to hand the parser now, and whether a DOCTYPE (at `doctypeAt` in `text`) was found. */
export interface PrologCheck {
  text: string;
  doctypeAt?: number;
  tooLong?: boolean;
}

/** Holds text back until the prolog is known to have no DOCTYPE. */
export class PrologGuard {
  private pending = '';
  private scanned = 0;
  private passed = false;

  push(chunk: string): PrologCheck {
    if (this.passed) return { text: chunk };
    const text = this.pending + chunk;
    const scan = scanProlog(text, this.scanned);
    if (scan.kind === 'more') {
      if (text.length > MAX_PROLOG_CHARS) return { text: '', tooLong: true };
      this.pending = text;
      this.scanned = scan.from;
      return { text: '' };
    }
    this.pending = '';
    this.passed = true;
    return scan.kind === 'doctype' ? { text, doctypeAt: scan.at } : { text };
  }

  /** The end of input: whatever was held back goes to the parser, which reports what is wrong. */
  end(): string {
    const rest = this.pending;
    this.pending = '';
    this.passed = true;
    return rest;
  }
}

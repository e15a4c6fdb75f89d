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

type Scan = { kind: 'doctype' | 'body'; at: number } | { kind: 'more' };

function scanProlog(text: string): Scan {
  let i = 0;
  while (true) {
    while (i < text.length && /\s/.test(text.charAt(i))) i += 1;
    if (i >= text.length) return { kind: 'more' };
    const rest = text.slice(i, i + DOCTYPE.length);
    if (rest.length < DOCTYPE.length && OPENERS.some((opener) => opener.startsWith(rest))) {
      return { kind: 'more' };
    }
    if (rest.startsWith('<?')) {
      const end = text.indexOf('?>', i + 2);
      if (end < 0) return { kind: 'more' };
      i = end + 2;
    } else if (rest.startsWith('<!--')) {
      const end = text.indexOf('-->', i + 4);
      if (end < 0) return { kind: 'more' };
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
  private passed = false;

  push(chunk: string): PrologCheck {
    if (this.passed) return { text: chunk };
    const text = this.pending + chunk;
    const scan = scanProlog(text);
    if (scan.kind === 'more') {
      if (text.length > MAX_PROLOG_CHARS) return { text: '', tooLong: true };
      this.pending = text;
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

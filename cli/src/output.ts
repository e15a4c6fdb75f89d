/**
 * Everything the CLI prints goes through one `Output`, which replaces every secret it was told
 * about (client secret, bearer tokens, Basic credentials) with `***` — in --verbose output too.
 */
export interface Output {
  info(line: string): void;
  warn(line: string): void;
  /** Printed only with --verbose. */
  debug(line: string): void;
  /** Registers a value that must never be printed. */
  addSecret(value: string | undefined): void;
  mask(text: string): string;
}

export interface OutputStreams {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

export function createOutput(streams: OutputStreams, verbose: boolean): Output {
  const secrets = new Set<string>();
  const mask = (text: string) => {
    let masked = text;
    // Longest first, so a secret containing another is masked whole.
    for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
      masked = masked.split(secret).join('***');
    }
    return masked;
  };
  return {
    info: (line) => streams.stdout.write(`${mask(line)}\n`),
    warn: (line) => streams.stderr.write(`${mask(line)}\n`),
    debug: (line) => {
      if (verbose) streams.stderr.write(`[verbose] ${mask(line)}\n`);
    },
    addSecret: (value) => {
      // Very short values would mask ordinary words; real secrets are long.
      if (!value || value.length < 6) return;
      secrets.add(value);
      secrets.add(encodeURIComponent(value));
      secrets.add(Buffer.from(value).toString('base64'));
    },
    mask,
  };
}

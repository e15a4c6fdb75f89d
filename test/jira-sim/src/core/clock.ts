/** A controllable clock: every expiry in the simulator reads `now()` from one of these. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Jump to an absolute time (epoch ms, Date or ISO string). */
  set(time: number | Date | string): void;
  /** Move forward (or back, with a negative value) by `ms`. */
  advance(ms: number): void;
}

/** The instant a fixed clock starts at unless told otherwise. */
export const DEFAULT_START = Date.parse('2026-03-02T09:00:00.000Z');

function toEpochMs(time: number | Date | string): number {
  const ms =
    typeof time === 'number' ? time : typeof time === 'string' ? Date.parse(time) : time.getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`Not a time: ${String(time)}`);
  return ms;
}

/** A clock that stands still until `set`/`advance` moves it (for tests). */
export function createFixedClock(start: number | Date | string = DEFAULT_START): Clock {
  let current = toEpochMs(start);
  return {
    now: () => current,
    set: (time) => {
      current = toEpochMs(time);
    },
    advance: (ms) => {
      current += ms;
    },
  };
}

/** Wall-clock time plus an offset that `set`/`advance` change (for the standalone server). */
export function createSystemClock(): Clock {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    set: (time) => {
      offset = toEpochMs(time) - Date.now();
    },
    advance: (ms) => {
      offset += ms;
    },
  };
}

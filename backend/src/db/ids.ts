import { randomBytes } from 'node:crypto';

let last = 0;
let counter = 0;

/**
 * An id that sorts by creation time, also within one millisecond in this process (a counter),
 * then by randomness across processes: 26 url-safe characters.
 */
export function newSortableId(at: Date = new Date()): string {
  const ms = at.getTime();
  counter = ms === last ? counter + 1 : 0;
  last = ms;
  return (
    ms.toString(36).padStart(10, '0') +
    counter.toString(36).padStart(4, '0') +
    randomBytes(6).toString('hex')
  );
}

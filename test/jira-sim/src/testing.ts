/** Small helpers for the simulator's own tests (and the backend's, if useful). */

/** The base URL tests create simulators with. */
export const TEST_BASE_URL = 'http://jira-sim.test';

/** A value that must exist in a test; throws with `what` instead of a non-null assertion. */
export function must<T>(value: T | null | undefined, what = 'value'): T {
  if (value === null || value === undefined) throw new Error(`Expected ${what} to exist`);
  return value;
}

/** `Authorization: Basic …` for a user and secret. */
export function basicAuth(user: string, secret: string): string {
  return `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
}

/** A stand-in for the Jira host behind `@forge/bridge`: records calls, answers per test. */

export interface BridgeCall {
  cmd: string;
  data: Record<string, unknown> | undefined;
}

/** What the host answers; `undefined` for commands a test does not care about. */
export type BridgeAnswer = (call: BridgeCall) => unknown;

const state: { calls: BridgeCall[]; answer: BridgeAnswer } = {
  calls: [],
  answer: () => undefined,
};

export const bridgeHost = {
  async callBridge(cmd: string, data?: Record<string, unknown>): Promise<unknown> {
    const call = { cmd, data };
    state.calls.push(call);
    return state.answer(call);
  },
  /** Starts a test: forget earlier calls, answer with `answer` from now on. */
  reset(answer: BridgeAnswer) {
    state.calls = [];
    state.answer = answer;
  },
  calls: () => state.calls,
  /** The `invokeRemote` calls (`invoke` with `invokeType: ui-remote-fetch`). */
  remoteCalls: () =>
    state.calls.filter(
      (call) => call.cmd === 'invoke' && call.data?.invokeType === 'ui-remote-fetch',
    ),
};

/** A host answer to `invokeRemote`: `{success, payload: {status, headers, body}}`. */
export const remoteAnswer = (status: number, body: unknown) => ({
  success: true,
  payload: { status, headers: { 'content-type': ['application/json'] }, body },
});

/** A host answer to `requestJira` (`fetchProduct`). */
export const productAnswer = (status: number, body?: unknown) => ({
  status,
  statusText: '',
  headers: { 'content-type': 'application/json' },
  body: body === undefined ? '' : JSON.stringify(body),
});

/**
 * The one caller of `invokeRemote`: every call to the Testbridge backend goes through
 * {@link callRemote}, typed by the shared table of remote calls and parsed on the way back.
 */
import { invokeRemote } from '@forge/bridge';
import {
  FORGE_REMOTE,
  type ForgeRemoteAnswer,
  type ForgeRemoteName,
  type ForgeRemoteRequest,
} from '@testbridge/shared/forge/remote';
import { useCallback, useEffect, useState } from 'react';

/** Why a call failed, in words a Jira user can act on. */
export class RemoteCallError extends Error {
  constructor(
    readonly kind: 'unverified' | 'refused' | 'unavailable' | 'unexpected',
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = 'RemoteCallError';
  }
}

const detailOf = (body: unknown): string | null =>
  body && typeof body === 'object' && 'detail' in body && typeof body.detail === 'string'
    ? body.detail
    : null;

/** Calls the backend and returns its parsed answer. @throws RemoteCallError */
export async function callRemote<N extends ForgeRemoteName>(
  name: N,
  request: ForgeRemoteRequest<N>,
): Promise<ForgeRemoteAnswer<N>> {
  const call = FORGE_REMOTE[name];
  let response: Awaited<ReturnType<typeof invokeRemote>>;
  try {
    response = await invokeRemote({ path: call.path, method: call.method, body: request });
  } catch (cause) {
    throw new RemoteCallError(
      'unavailable',
      `Testbridge could not be reached (${cause instanceof Error ? cause.message : 'no answer'})`,
      null,
    );
  }
  const status = response?.status ?? 0;
  if (status === 401) {
    throw new RemoteCallError(
      'unverified',
      'Testbridge could not verify this request from Jira: its FORGE_APP_ID must be this app’s id.',
      status,
    );
  }
  if (status < 200 || status > 299) {
    const detail = detailOf(response?.body);
    const kind = status >= 400 && status < 500 ? 'refused' : 'unavailable';
    throw new RemoteCallError(kind, detail ?? `Testbridge answered ${status || 'nothing'}`, status);
  }
  const parsed = call.answer.safeParse(response.body);
  if (!parsed.success) {
    throw new RemoteCallError('unexpected', 'Testbridge answered in an unexpected shape', status);
  }
  return parsed.data as ForgeRemoteAnswer<N>;
}

export type RemoteState<T> =
  | { state: 'loading' }
  | { state: 'ready'; answer: T }
  | { state: 'error'; error: RemoteCallError };

const asCallError = (error: unknown) =>
  error instanceof RemoteCallError
    ? error
    : new RemoteCallError('unexpected', error instanceof Error ? error.message : 'failed', null);

/**
 * Loads one remote answer for a screen; `request` null waits (e.g. for the context). A new
 * request (compared by value) loads again; `reload` repeats the last one.
 */
export function useRemote<N extends ForgeRemoteName>(
  name: N,
  request: ForgeRemoteRequest<N> | null,
): RemoteState<ForgeRemoteAnswer<N>> & { reload: () => void } {
  const [result, setResult] = useState<RemoteState<ForgeRemoteAnswer<N>>>({ state: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const key = request === null ? null : JSON.stringify(request);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for `request` by value; `attempt` forces a reload
  useEffect(() => {
    if (key === null) return;
    let current = true;
    setResult({ state: 'loading' });
    callRemote(name, JSON.parse(key) as ForgeRemoteRequest<N>).then(
      (answer) => current && setResult({ state: 'ready', answer }),
      (error: unknown) => current && setResult({ state: 'error', error: asCallError(error) }),
    );
    return () => {
      current = false;
    };
  }, [name, key, attempt]);
  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return { ...result, reload };
}

/** An action the user starts (a button): its own state per run, no call on render. */
export function useRemoteAction<N extends ForgeRemoteName>(name: N) {
  const [result, setResult] = useState<RemoteState<ForgeRemoteAnswer<N>> | { state: 'idle' }>({
    state: 'idle',
  });
  const run = useCallback(
    async (request: ForgeRemoteRequest<N>) => {
      setResult({ state: 'loading' });
      try {
        setResult({ state: 'ready', answer: await callRemote(name, request) });
      } catch (error) {
        setResult({ state: 'error', error: asCallError(error) });
      }
    },
    [name],
  );
  return { ...result, run };
}

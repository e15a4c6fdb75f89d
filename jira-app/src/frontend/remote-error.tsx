import { Button, SectionMessage, Text } from '@forge/react';
import type { RemoteCallError } from './remote.ts';

const ADVICE: Record<RemoteCallError['kind'], string> = {
  unverified:
    'A Jira admin should check that the Testbridge backend is configured for this app (FORGE_APP_ID).',
  refused: 'Reload the issue; if it happens again, tell your Jira admin what this message says.',
  unavailable:
    'Testbridge may be down or busy. Try again in a minute; if it persists, tell your Jira admin.',
  unexpected: 'The app and Testbridge may be on different versions. Tell your Jira admin.',
};

/** A failed call, what went wrong and what to do about it, with a retry. */
export function RemoteErrorMessage(props: {
  error: RemoteCallError;
  what: string;
  onRetry: () => void;
}) {
  return (
    <SectionMessage appearance="error" title={`Could not load ${props.what}`}>
      <Text>{props.error.message}</Text>
      <Text>{ADVICE[props.error.kind]}</Text>
      <Button onClick={props.onRetry}>Try again</Button>
    </SectionMessage>
  );
}

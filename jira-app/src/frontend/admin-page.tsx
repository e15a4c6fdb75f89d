/** The Jira admin page: is this site connected, what is mapped, do webhooks arrive, how to connect. */
import { DynamicTable, Heading, Lozenge, SectionMessage, Spinner, Stack, Text } from '@forge/react';
import type { AdminStatusAnswer, ForgeWebhookStatus } from '@testbridge/shared/forge/remote';
import { useRemote } from './remote.ts';
import { RemoteErrorMessage } from './remote-error.tsx';

type Connected = Extract<AdminStatusAnswer, { status: 'connected' }>;
type Appearance = 'success' | 'removed' | 'moved' | 'default';

const CONNECTION_LABEL: Record<
  Connected['connection']['status'],
  { text: string; appearance: Appearance }
> = {
  active: { text: 'Connected', appearance: 'success' },
  pending_authorization: { text: 'Waiting for authorization', appearance: 'moved' },
  needs_reauthorization: { text: 'Needs re-authorization', appearance: 'removed' },
};

const WEBHOOK_LABEL: Record<ForgeWebhookStatus['state'], { text: string; appearance: Appearance }> =
  {
    registered: { text: 'Receiving', appearance: 'success' },
    failing: { text: 'Failing', appearance: 'removed' },
    not_registered: { text: 'Not registered', appearance: 'moved' },
    unknown: { text: 'Unknown', appearance: 'default' },
  };

function HowToConnect({ cloudId }: { cloudId: string | null }) {
  return (
    <Stack space="space.100">
      <Heading as="h3" size="small">
        How to connect
      </Heading>
      <Text>
        1. In Testbridge, create a Jira Cloud connection to this site
        {cloudId ? ` (site id ${cloudId})` : ''} and authorize it (POST /api/v1/connections).
      </Text>
      <Text>
        2. Map each Jira project to its test project, and choose whether defects may be filed.
      </Text>
      <Text>
        3. Come back here: this page shows the connection once Testbridge knows this site.
      </Text>
    </Stack>
  );
}

function ConnectedStatus({ answer }: { answer: Connected }) {
  const connection = CONNECTION_LABEL[answer.connection.status];
  const webhooks = WEBHOOK_LABEL[answer.webhooks.state];
  const rows = answer.mappedProjects.map((project) => ({
    key: project.jiraProjectKey,
    cells: [
      { key: 'jira', content: <Text>{project.jiraProjectKey}</Text> },
      { key: 'tool', content: <Text>{project.toolProjectKey ?? '—'}</Text> },
      { key: 'defects', content: <Text>{project.createDefects ? 'Yes' : 'No'}</Text> },
    ],
  }));
  return (
    <Stack space="space.200">
      <Heading as="h3" size="small">
        Connection
      </Heading>
      <Stack space="space.050">
        <Lozenge appearance={connection.appearance}>{connection.text}</Lozenge>
        <Text>
          {answer.connection.name} · {answer.connection.jiraUrl}
        </Text>
        {answer.connection.statusReason ? <Text>{answer.connection.statusReason}</Text> : null}
        <Text>
          {answer.installation
            ? `App installed ${answer.installation.installedAt.slice(0, 10)} (${answer.installation.environment ?? 'unknown environment'})`
            : 'Testbridge has not recorded the installation of this app yet.'}
        </Text>
      </Stack>
      <Heading as="h3" size="small">
        Mapped projects
      </Heading>
      {rows.length === 0 ? (
        <Text>
          No Jira project is mapped yet: map one in Testbridge to show its tests in issues.
        </Text>
      ) : (
        <DynamicTable
          caption="Jira projects mapped to test projects"
          head={{
            cells: [
              { key: 'jira', content: 'Jira project' },
              { key: 'tool', content: 'Test project' },
              { key: 'defects', content: 'Create defects' },
            ],
          }}
          rows={rows}
        />
      )}
      <Heading as="h3" size="small">
        Webhooks
      </Heading>
      <Stack space="space.050">
        <Lozenge appearance={webhooks.appearance}>{webhooks.text}</Lozenge>
        {answer.webhooks.detail ? <Text>{answer.webhooks.detail}</Text> : null}
      </Stack>
    </Stack>
  );
}

export function AdminPage() {
  const remote = useRemote('adminStatus', {});
  if (remote.state === 'loading')
    return <Spinner label="Loading the Testbridge status of this site" />;
  if (remote.state === 'error') {
    return (
      <Stack space="space.200">
        <RemoteErrorMessage
          error={remote.error}
          what="the Testbridge status"
          onRetry={remote.reload}
        />
        <HowToConnect cloudId={null} />
      </Stack>
    );
  }
  const answer = remote.answer;
  return (
    <Stack space="space.300">
      <Heading as="h2" size="medium">
        Testbridge
      </Heading>
      {answer.status === 'not_connected' ? (
        <SectionMessage appearance="warning" title="This site is not connected to Testbridge">
          <Text>Issues show no test results until it is. Follow the steps below.</Text>
        </SectionMessage>
      ) : (
        <ConnectedStatus answer={answer} />
      )}
      <HowToConnect cloudId={answer.status === 'not_connected' ? answer.cloudId : null} />
    </Stack>
  );
}

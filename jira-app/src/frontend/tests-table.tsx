/** The covering tests, their latest result, a short history on demand, and "Create defect". */
import {
  Button,
  DynamicTable,
  Heading,
  Inline,
  Link,
  Lozenge,
  SectionMessage,
  Stack,
  Text,
} from '@forge/react';
import type { CoveringTest, ExecutionView, IssueTests } from '@testbridge/shared/api/coverage';
import { useState } from 'react';
import { canCreateDefect, formatWhen, STATUS_LABEL } from './labels.ts';
import { useRemoteAction } from './remote.ts';

const HEAD = {
  cells: [
    { key: 'test', content: 'Test', isSortable: true },
    { key: 'result', content: 'Latest result' },
    { key: 'environment', content: 'Environment' },
    { key: 'when', content: 'When', isSortable: true },
    { key: 'source', content: 'From' },
    { key: 'flaky', content: 'Flaky' },
    { key: 'defects', content: 'Open defects' },
    { key: 'actions', content: 'Actions' },
  ],
};

function StatusLozenge({ execution }: { execution: ExecutionView | null }) {
  if (!execution) return <Lozenge appearance="moved">Never run</Lozenge>;
  const label = STATUS_LABEL[execution.status];
  return <Lozenge appearance={label.appearance}>{label.text}</Lozenge>;
}

function Source({ execution }: { execution: ExecutionView | null }) {
  if (!execution) return <Text>—</Text>;
  const build = execution.build;
  const name = build
    ? (build.displayName ?? `${build.pipelineId} #${build.buildNumber}`)
    : execution.runName;
  return build?.url ? <Link href={build.url}>{name}</Link> : <Text>{name}</Text>;
}

function Defects({ test }: { test: CoveringTest }) {
  if (test.openDefects.length === 0) return <Text>None</Text>;
  return (
    <Inline space="space.050" shouldWrap>
      {test.openDefects.map((defect) =>
        defect.url && defect.issueKey ? (
          <Link key={defect.id} href={defect.url}>
            {defect.issueKey}
          </Link>
        ) : (
          <Text key={defect.id}>{defect.issueKey ?? `${defect.state} defect`}</Text>
        ),
      )}
    </Inline>
  );
}

function CreateDefect({ test, issueIdOrKey }: { test: CoveringTest; issueIdOrKey: string }) {
  const action = useRemoteAction('createDefect');
  const runId = test.latest?.runId;
  if (!runId) return null;
  const answer = action.state === 'ready' ? action.answer : null;
  if (answer && answer.defect.state !== 'failed') {
    const { defect } = answer;
    return (
      <Text>
        {defect.issueKey
          ? `Defect ${defect.issueKey} filed`
          : 'Defect requested: Jira has not answered yet, Testbridge keeps trying'}
      </Text>
    );
  }
  return (
    <Stack space="space.050">
      {answer ? (
        <Text>Jira did not file the defect: {answer.failureReason ?? 'it gave no reason'}</Text>
      ) : null}
      <Button
        appearance="primary"
        isDisabled={action.state === 'loading'}
        onClick={() => action.run({ issueIdOrKey, testId: test.testId, runId })}
      >
        {action.state === 'loading' ? 'Creating defect…' : 'Create defect'}
      </Button>
      {action.state === 'error' ? (
        <Text>Could not create the defect: {action.error.message}</Text>
      ) : null}
    </Stack>
  );
}

function History({ test }: { test: CoveringTest }) {
  return (
    <Stack space="space.050">
      <Heading as="h4" size="xsmall">
        History of {test.name}
      </Heading>
      {test.history.length === 0 ? (
        <Text>No runs in this scope.</Text>
      ) : (
        test.history.map((execution) => (
          <Inline key={execution.runId} space="space.100" alignBlock="center">
            <StatusLozenge execution={execution} />
            {execution.flaky ? <Lozenge appearance="moved">Flaky</Lozenge> : null}
            <Text>
              {formatWhen(execution.at)} · {execution.runName}
              {execution.environment ? ` · ${execution.environment}` : ''}
              {execution.message ? ` · ${execution.message}` : ''}
            </Text>
          </Inline>
        ))
      )}
    </Stack>
  );
}

export function TestsTable({ tests, issueIdOrKey }: { tests: IssueTests; issueIdOrKey: string }) {
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const toggle = (testId: string) =>
    setExpanded((previous) => {
      const next = new Set(previous);
      if (!next.delete(testId)) next.add(testId);
      return next;
    });
  const rows = tests.tests.map((test) => {
    const open = expanded.has(test.testId);
    return {
      key: test.testId,
      cells: [
        { key: test.name, content: <Text>{test.name}</Text> },
        { key: `${test.testId}:result`, content: <StatusLozenge execution={test.latest} /> },
        {
          key: `${test.testId}:environment`,
          content: <Text>{test.latest?.environment ?? 'No environment'}</Text>,
        },
        {
          key: test.latest?.at ?? `${test.testId}:never`,
          content: <Text>{test.latest ? formatWhen(test.latest.at) : '—'}</Text>,
        },
        { key: `${test.testId}:source`, content: <Source execution={test.latest} /> },
        {
          key: `${test.testId}:flaky`,
          content: test.latest?.flaky ? (
            <Lozenge appearance="moved">Flaky</Lozenge>
          ) : (
            <Text>No</Text>
          ),
        },
        { key: `${test.testId}:defects`, content: <Defects test={test} /> },
        {
          key: `${test.testId}:actions`,
          content: (
            <Stack space="space.050">
              <Button appearance="subtle" onClick={() => toggle(test.testId)}>
                {open ? `Hide history of ${test.name}` : `Show history of ${test.name}`}
              </Button>
              {canCreateDefect(tests, test) ? (
                <CreateDefect test={test} issueIdOrKey={issueIdOrKey} />
              ) : null}
            </Stack>
          ),
        },
      ],
    };
  });
  const open = tests.tests.filter((test) => expanded.has(test.testId));
  return (
    <Stack space="space.200">
      <DynamicTable caption="Tests covering this issue" head={HEAD} rows={rows} />
      {open.map((test) => (
        <History key={test.testId} test={test} />
      ))}
      {tests.mapping === null ? (
        <SectionMessage appearance="information">
          <Text>
            This issue's project is not mapped in Testbridge, so defects cannot be filed from here.
          </Text>
        </SectionMessage>
      ) : null}
    </Stack>
  );
}

/** The "Tests" issue panel: the issue's coverage in a scope and the tests behind it. */
import {
  Heading,
  Inline,
  Label,
  Lozenge,
  SectionMessage,
  Select,
  Spinner,
  Stack,
  Text,
} from '@forge/react';
import type { CoverageScope, IssueTests } from '@testbridge/shared/api/coverage';
import type { IssueTestsRequest } from '@testbridge/shared/forge/remote';
import { useEffect, useState } from 'react';
import { useForgeContext } from './context.ts';
import {
  COVERAGE_LABEL,
  countsSentence,
  describeScope,
  scopeOf,
  scopeOptions,
  scopeValue,
} from './labels.ts';
import { useRemote } from './remote.ts';
import { RemoteErrorMessage } from './remote-error.tsx';
import { LATEST, readScopePreference, saveScopePreference } from './scope-preference.ts';
import { TestsTable } from './tests-table.tsx';

/** Executions of history the panel shows per test. */
export const HISTORY = 5;
const SCOPE_INPUT = 'testbridge-scope';

export function TestsPanel() {
  const context = useForgeContext();
  const [scope, setScope] = useState<CoverageScope | null>(null);
  const ready = context !== null && !(context instanceof Error) ? context : null;
  const issueIdOrKey = ready?.issue?.key ?? ready?.issue?.id ?? null;

  useEffect(() => {
    if (!ready) return;
    if (!ready.accountId || !ready.projectKey) {
      setScope(LATEST);
      return;
    }
    let current = true;
    readScopePreference(ready.accountId, ready.projectKey).then(
      (saved) => current && setScope(saved),
    );
    return () => {
      current = false;
    };
  }, [ready?.accountId, ready?.projectKey, ready]);

  const request: IssueTestsRequest | null =
    issueIdOrKey && scope ? { issueIdOrKey, scope, history: HISTORY } : null;
  const remote = useRemote('issueTests', request);

  if (context instanceof Error || (ready && !issueIdOrKey)) {
    return (
      <SectionMessage appearance="error" title="This panel has no issue to show">
        <Text>Open an issue in Jira to see the tests that cover it.</Text>
      </SectionMessage>
    );
  }
  if (!request || remote.state === 'loading')
    return <Spinner label="Loading the tests of this issue" />;
  if (remote.state === 'error') {
    return (
      <RemoteErrorMessage
        error={remote.error}
        what="the tests of this issue"
        onRetry={remote.reload}
      />
    );
  }
  const answer = remote.answer;
  if (answer.status === 'not_connected') {
    return (
      <SectionMessage appearance="warning" title="This site is not connected to Testbridge">
        <Text>
          Test results cannot be shown until a Jira admin connects this site. An admin opens Apps →
          Testbridge in Jira settings and follows "How to connect" there (site id {answer.cloudId}).
        </Text>
      </SectionMessage>
    );
  }
  const choose = (value: string) => {
    const next = scopeOf(value);
    setScope(next);
    if (ready?.accountId && ready.projectKey)
      void saveScopePreference(ready.accountId, ready.projectKey, next);
  };
  return (
    <Stack space="space.200">
      <CoverageHeader tests={answer.issueTests} />
      <ScopePicker tests={answer.issueTests} scope={request.scope} onChoose={choose} />
      {answer.issueTests.tests.length === 0 ? (
        <NoTests issueKey={ready?.issue?.key ?? request.issueIdOrKey} scope={request.scope} />
      ) : (
        <TestsTable tests={answer.issueTests} issueIdOrKey={issueIdOrKey ?? ''} />
      )}
    </Stack>
  );
}

function CoverageHeader({ tests }: { tests: IssueTests }) {
  const label = COVERAGE_LABEL[tests.coverage];
  return (
    <Stack space="space.050">
      <Inline space="space.100" alignBlock="center">
        <Heading as="h3" size="small">
          Coverage
        </Heading>
        <Lozenge appearance={label.appearance} isBold>
          {label.text}
        </Lozenge>
        {tests.flaky ? <Lozenge appearance="moved">Flaky</Lozenge> : null}
      </Inline>
      <Text>
        {label.text}: {label.means}. {countsSentence(tests.counts)}
        {tests.counts.flaky ? `, ${tests.counts.flaky} flaky` : ''}.
      </Text>
    </Stack>
  );
}

function ScopePicker(props: {
  tests: IssueTests;
  scope: CoverageScope;
  onChoose: (value: string) => void;
}) {
  const options = scopeOptions(props.tests, props.scope);
  const value = options.find((option) => option.value === scopeValue(props.scope));
  return (
    <Stack space="space.050">
      <Label labelFor={SCOPE_INPUT}>Results from</Label>
      <Select
        id={SCOPE_INPUT}
        options={options}
        value={value}
        onChange={(option: { value: string } | null) => option && props.onChoose(option.value)}
      />
    </Stack>
  );
}

function NoTests({ issueKey, scope }: { issueKey: string; scope: CoverageScope }) {
  if (scope.kind !== 'latest') {
    return (
      <SectionMessage appearance="information" title={`No results in ${describeScope(scope)}`}>
        <Text>Choose "Latest run anywhere" to see every covering test.</Text>
      </SectionMessage>
    );
  }
  return (
    <SectionMessage appearance="information" title="No tests cover this issue yet">
      <Text>
        To link a test, name the issue in it: add {`@${issueKey}`} or {`[${issueKey}]`} to the
        test's name, or a "requirements" property with {issueKey} in your JUnit or JSON report. The
        next run imported into Testbridge links it here.
      </Text>
    </SectionMessage>
  );
}

import type { IssueTests } from '@testbridge/shared/api/coverage';
import type { Mapping } from '@testbridge/shared/api/mappings';
import { ErrorBanner, Page } from '../layout.tsx';
import type { AdminSession } from '../session.ts';

const COVERAGE_WORDS: Record<IssueTests['coverage'], string> = {
  OK: 'OK: every covering test passed its latest run',
  NOK: 'NOK: a covering test failed',
  NOTRUN: 'Not run: the covering tests never ran',
  UNCOVERED: 'Uncovered: no test covers this issue',
};

/** The form on a mapping's page that opens one issue's coverage (a GET: nothing changes). */
export function IssueLookup({ mapping, value }: { mapping: Mapping; value?: string | undefined }) {
  return (
    <form method="get" action={`/admin/mappings/${mapping.id}/issue`}>
      <label for="f-issue">Jira issue key</label>
      <input id="f-issue" name="key" type="text" value={value} required />
      <button type="submit">Show its coverage</button>
    </form>
  );
}

/** One issue's coverage as the Tests panel shows it: status, counts, the covering tests. */
export function IssueCoveragePage(props: {
  session: AdminSession;
  mapping: Mapping;
  issueKey: string;
  tests?: IssueTests | undefined;
  message?: string | undefined;
}) {
  const { tests } = props;
  return (
    <Page title={`Coverage of ${props.issueKey}`} session={props.session}>
      <p>
        <a
          href={`/admin/mappings/${props.mapping.id}`}
        >{`Back to ${props.mapping.toolProject.key}`}</a>
      </p>
      <IssueLookup mapping={props.mapping} value={props.issueKey} />
      <ErrorBanner message={props.message} />
      {tests ? (
        <>
          <p class={`banner ${tests.coverage === 'OK' ? 'ok' : 'info'}`} data-testid="coverage">
            {`${COVERAGE_WORDS[tests.coverage]}${tests.flaky ? ' (flaky)' : ''}. ${tests.counts.passed} passed, ${tests.counts.failed + tests.counts.error} failed, ${tests.counts.notRun} not run of ${tests.counts.total}.`}
          </p>
          {tests.tests.length ? (
            <table>
              <caption>Covering tests, latest run</caption>
              <thead>
                <tr>
                  <th scope="col">Test</th>
                  <th scope="col">Result</th>
                  <th scope="col">Run</th>
                  <th scope="col">Message</th>
                </tr>
              </thead>
              <tbody>
                {tests.tests.map((test) => (
                  <tr>
                    <th scope="row">{test.name}</th>
                    <td>{test.latest ? test.latest.status.replaceAll('_', ' ') : 'not run'}</td>
                    <td>
                      {test.latest
                        ? `${test.latest.runName}${test.latest.environment ? ` (${test.latest.environment})` : ''}, ${test.latest.at}`
                        : ''}
                    </td>
                    <td>{test.latest?.message ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </>
      ) : null}
    </Page>
  );
}

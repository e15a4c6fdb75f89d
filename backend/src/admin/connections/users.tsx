import type { Connection } from '@testbridge/shared/api/connections';
import { type JiraUser, JiraUserQuery } from '@testbridge/shared/api/tool-api';
import { Hono } from 'hono';
import { getConnection } from '../../connections/service.ts';
import type { Deps } from '../../deps.ts';
import { listJiraUsers } from '../../tool-api/service.ts';
import { formFailureOf, parseWith } from '../form.ts';
import type { AdminEnv } from '../guard.ts';
import { ErrorBanner, Page } from '../layout.tsx';
import type { AdminSession } from '../session.ts';

const PAGE_SIZE = 100;

function UsersPage(props: {
  session: AdminSession;
  connection: Connection;
  users: JiraUser[];
  nextCursor: string | null;
  message?: string | undefined;
}) {
  const base = `/admin/connections/${props.connection.id}/users`;
  return (
    <Page title={`Jira users of ${props.connection.name}`} session={props.session}>
      <ErrorBanner message={props.message} />
      <section aria-labelledby="load">
        <h2 id="load">Load every user</h2>
        <p class="hint">
          Jira gives users page by page and never says how many there are: the count grows as pages
          arrive.
        </p>
        <button type="button" data-load-users={base}>
          Load all users
        </button>
        <progress id="users-progress" aria-label="Users loaded" hidden />
        <p id="users-count" role="status" />
      </section>
      <table>
        <caption>This page of users</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Account</th>
            <th scope="col">Type</th>
            <th scope="col">Active</th>
          </tr>
        </thead>
        <tbody>
          {props.users.map((user) => (
            <tr>
              <th scope="row">{user.displayName}</th>
              <td>{user.accountId ?? user.username ?? ''}</td>
              <td>{user.accountType}</td>
              <td>{user.active ? 'yes' : 'no'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {props.nextCursor ? (
        <a class="button secondary" href={`${base}?cursor=${encodeURIComponent(props.nextCursor)}`}>
          Next page
        </a>
      ) : null}
    </Page>
  );
}

/**
 * `/admin/connections/:id/users`: Jira's users through the tool API's service (the shared grant),
 * a page as HTML, or as counts for the page's script (`accept: application/json`).
 */
export function userPageRoutes(deps: Deps) {
  const router = new Hono<AdminEnv>();
  router.get('/:id/users', async (c) => {
    const id = c.req.param('id');
    const wantsJson = c.req.header('accept')?.includes('application/json') ?? false;
    const query = parseWith(JiraUserQuery, {
      limit: String(PAGE_SIZE),
      ...(c.req.query('cursor') ? { cursor: c.req.query('cursor') } : {}),
    });
    try {
      const page = await listJiraUsers(deps, { connectionId: id, user: undefined }, query);
      if (wantsJson) {
        const byType: Record<string, number> = {};
        for (const user of page.items)
          byType[user.accountType] = (byType[user.accountType] ?? 0) + 1;
        return c.json({ loaded: page.items.length, byType, nextCursor: page.nextCursor });
      }
      return c.html(
        <UsersPage
          session={c.get('session')}
          connection={await getConnection(deps, id)}
          users={page.items}
          nextCursor={page.nextCursor}
        />,
      );
    } catch (error) {
      const failure = formFailureOf(error);
      if (wantsJson) return c.json({ error: failure.message }, failure.status);
      return c.html(
        <UsersPage
          session={c.get('session')}
          connection={await getConnection(deps, id)}
          users={[]}
          nextCursor={null}
          message={failure.message}
        />,
        failure.status,
      );
    }
  });
  return router;
}

import { UpdateOAuthConfigRequest } from '@testbridge/shared/api/oauth';
import { type Context, Hono } from 'hono';
import { runDiagnostics } from '../../connections/run-diagnostics.ts';
import {
  deleteConnection,
  getConnection,
  listConnectionEvents,
  listConnections,
} from '../../connections/service.ts';
import type { Deps } from '../../deps.ts';
import { updateOAuthConfig } from '../../oauth/configure.ts';
import { formFailureOf, parseWith, readForm } from '../form.ts';
import { type AdminEnv, requireSession } from '../guard.ts';
import { authorizeRoutes } from './authorize.tsx';
import { ConnectionPage, ConnectionsPage, DiagnosticsPage } from './pages.tsx';
import { userPageRoutes } from './users.tsx';
import { wizardRoutes } from './wizard.tsx';

const HISTORY_LIMIT = 50;

/** `/admin/connections`: the list, the wizard, one connection, its diagnostics and consent. */
export function connectionPageRoutes(deps: Deps) {
  const router = new Hono<AdminEnv>();
  router.use('*', requireSession(deps));

  router.get('/', async (c) =>
    c.html(
      <ConnectionsPage
        session={c.get('session')}
        connections={await listConnections(deps)}
        notice={c.req.query('deleted') ? 'The connection was deleted.' : undefined}
      />,
    ),
  );
  router.route('/', wizardRoutes(deps));
  router.route('/', authorizeRoutes(deps));
  router.route('/', userPageRoutes(deps));

  const connectionPage = async (
    c: Context<AdminEnv>,
    id: string,
    extra: { errors?: Record<string, string>; message?: string; notice?: string } = {},
    status: 200 | 400 | 404 | 409 | 422 = 200,
  ) => {
    const connection = await getConnection(deps, id);
    const history = await listConnectionEvents(deps, id, { limit: HISTORY_LIMIT });
    return c.html(
      <ConnectionPage
        session={c.get('session')}
        connection={connection}
        history={history.items}
        {...extra}
      />,
      status,
    );
  };

  router.get('/:id', (c) => connectionPage(c, c.req.param('id')));

  router.get('/:id/diagnostics', async (c) => {
    const connection = await getConnection(deps, c.req.param('id'));
    return c.html(
      <DiagnosticsPage
        session={c.get('session')}
        connection={connection}
        diagnostics={connection.diagnostics}
      />,
    );
  });

  router.post('/:id/diagnostics', async (c) => {
    const id = c.req.param('id');
    await runDiagnostics(deps, id, c.get('session').caller);
    return c.redirect(`/admin/connections/${id}/diagnostics`, 303);
  });

  // The wrench: the same contract as PATCH /api/v1/connections/{id}/oauth.
  router.post('/:id/oauth', async (c) => {
    const form = await readForm(c);
    const current = await getConnection(deps, c.req.param('id'));
    const input = {
      ...(form.clientId && form.clientId !== current.auth.clientId
        ? { clientId: form.clientId }
        : {}),
      ...(form.clientSecret ? { clientSecret: form.clientSecret } : {}),
      ...(form.consumerKey && form.consumerKey !== current.auth.consumerKey
        ? { consumerKey: form.consumerKey }
        : {}),
      ...(form.generateKeyPair === 'true' ? { generateKeyPair: true } : {}),
    };
    try {
      const updated = await updateOAuthConfig(
        deps,
        current.id,
        parseWith(UpdateOAuthConfigRequest, input),
        c.get('session').caller,
      );
      const notice = `Saved. Grants ${updated.grants.action}${
        updated.grants.dropped ? ` (${updated.grants.dropped})` : ''
      }: ${updated.grants.reason}`;
      return connectionPage(c, current.id, { notice });
    } catch (error) {
      const failure = formFailureOf(error);
      return connectionPage(
        c,
        current.id,
        { errors: failure.errors, message: failure.message },
        failure.status === 400 || failure.status === 404 || failure.status === 409
          ? failure.status
          : 422,
      );
    }
  });

  router.post('/:id/delete', async (c) => {
    const form = await readForm(c);
    if (form.confirm !== 'yes')
      return connectionPage(
        c,
        c.req.param('id'),
        { message: 'Tick the box to confirm the deletion; nothing was deleted.' },
        400,
      );
    await deleteConnection(deps, c.req.param('id'), c.get('session').caller);
    return c.redirect('/admin/connections?deleted=1', 303);
  });

  return router;
}

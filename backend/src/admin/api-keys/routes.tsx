import {
  type ApiKey,
  CreateApiKeyRequest,
  type CreatedApiKey,
} from '@testbridge/shared/api/api-keys';
import { Hono } from 'hono';
import { createApiKey, listApiKeys, revokeApiKey } from '../../api-keys/service.ts';
import type { Deps } from '../../deps.ts';
import { formFailureOf, parseWith, readForm } from '../form.ts';
import { type AdminEnv, requireSession } from '../guard.ts';
import { CopyValue, CsrfInput, ErrorBanner, Field, type FieldErrors, Page } from '../layout.tsx';
import type { AdminSession } from '../session.ts';

function ApiKeysPage(props: {
  session: AdminSession;
  keys: ApiKey[];
  created?: CreatedApiKey | undefined;
  errors?: FieldErrors | undefined;
  message?: string | undefined;
}) {
  return (
    <Page title="API keys" session={props.session}>
      <ErrorBanner message={props.message} />
      {props.created ? (
        <section class="banner info" aria-labelledby="created">
          <h2 id="created">{`Key ${props.created.name}: copy it now`}</h2>
          <p>It is shown only this once; Testbridge keeps only its hash.</p>
          <dl class="fields">
            <CopyValue id="copy-api-key" label="API key" value={props.created.key} />
          </dl>
        </section>
      ) : null}
      <table>
        <caption>Keys of the test tool (role tool) and of admins</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Role</th>
            <th scope="col">Starts with</th>
            <th scope="col">Last used</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {props.keys.map((key) => (
            <tr data-testid={`api-key-${key.name}`}>
              <th scope="row">{key.name}</th>
              <td>{key.role}</td>
              <td>
                <code>{`${key.prefix}…`}</code>
              </td>
              <td>{key.lastUsedAt ?? 'never'}</td>
              <td>
                {key.revokedAt ? (
                  `revoked ${key.revokedAt}`
                ) : (
                  <form method="post" action={`/admin/api-keys/${key.id}/revoke`}>
                    <CsrfInput session={props.session} />
                    <button type="submit" class="danger">
                      Revoke<span class="sr-only">{` ${key.name}`}</span>
                    </button>
                  </form>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2 id="add">Create a key</h2>
      <form method="post" action="/admin/api-keys" aria-labelledby="add">
        <CsrfInput session={props.session} />
        <Field name="name" label="Name" errors={props.errors} required />
        <div>
          <label for="f-role">Role</label>
          <select id="f-role" name="role">
            <option value="tool">tool: the test tool's calls</option>
            <option value="admin">admin: everything, and this UI</option>
          </select>
        </div>
        <button type="submit">Create the key</button>
      </form>
    </Page>
  );
}

/** `/admin/api-keys`: the same services as `/api/v1/api-keys`. */
export function apiKeyPageRoutes(deps: Deps) {
  const router = new Hono<AdminEnv>();
  router.use('*', requireSession(deps));
  const page = async (
    session: AdminSession,
    extra: { created?: CreatedApiKey; errors?: FieldErrors; message?: string } = {},
  ) => <ApiKeysPage session={session} keys={await listApiKeys(deps)} {...extra} />;

  router.get('/', async (c) => c.html(await page(c.get('session'))));
  router.post('/', async (c) => {
    const form = await readForm(c);
    try {
      const created = await createApiKey(deps, parseWith(CreateApiKeyRequest, form));
      return c.html(await page(c.get('session'), { created }));
    } catch (error) {
      const failure = formFailureOf(error);
      return c.html(
        await page(c.get('session'), { errors: failure.errors, message: failure.message }),
        failure.status,
      );
    }
  });
  router.post('/:id/revoke', async (c) => {
    try {
      await revokeApiKey(deps, c.req.param('id'));
      return c.redirect('/admin/api-keys', 303);
    } catch (error) {
      const failure = formFailureOf(error);
      return c.html(await page(c.get('session'), { message: failure.message }), failure.status);
    }
  });
  return router;
}

import type { Child } from 'hono/jsx';
import type { AdminSession } from './session.ts';

/** The field errors of a form, by field name (the form's own names, not the API's paths). */
export type FieldErrors = Record<string, string>;

interface PageProps {
  title: string;
  /** Absent on the sign-in page and the front door: no navigation, no sign-out. */
  session?: AdminSession | undefined;
  children?: Child;
}

/** The shell of every admin page: one stylesheet, one external script, landmarks, skip link. */
export function Page({ title, session, children }: PageProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · Testbridge`}</title>
        <link rel="stylesheet" href="/admin/assets/admin.css" />
        <script src="/admin/assets/admin.js" defer />
      </head>
      <body>
        <header>
          <a class="skip" href="#main">
            Skip to content
          </a>
          <a class="brand" href={session ? '/admin' : '/'}>
            Testbridge
          </a>
          {session ? (
            <>
              <nav aria-label="Admin">
                <ul>
                  <li>
                    <a href="/admin/connections">Connections</a>
                  </li>
                  <li>
                    <a href="/admin/mappings">Mappings</a>
                  </li>
                  <li>
                    <a href="/admin/devops">DevOps</a>
                  </li>
                  <li>
                    <a href="/admin/api-keys">API keys</a>
                  </li>
                  <li>
                    <a href="/docs">API reference</a>
                  </li>
                </ul>
              </nav>
              <form method="post" action="/admin/sign-out">
                <CsrfInput session={session} />
                <button type="submit">Sign out</button>
              </form>
            </>
          ) : null}
        </header>
        <main id="main">
          <h1>{title}</h1>
          {children}
        </main>
      </body>
    </html>
  );
}

/** The session's CSRF token; every form of a signed-in page carries it. */
export function CsrfInput({ session }: { session: AdminSession }) {
  return <input type="hidden" name="_csrf" value={session.csrfToken} />;
}

interface FieldProps {
  name: string;
  label: string;
  type?: 'text' | 'url' | 'password' | 'email';
  value?: string | undefined;
  hint?: string;
  errors?: FieldErrors | undefined;
  required?: boolean;
  autocomplete?: string;
}

/** A labelled input with its hint and its error, both tied to it with aria-describedby. */
export function Field({
  name,
  label,
  type = 'text',
  value,
  hint,
  errors,
  required,
  autocomplete,
}: FieldProps) {
  const id = `f-${name}`;
  const error = errors?.[name];
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : '']
    .filter(Boolean)
    .join(' ');
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input
        id={id}
        name={name}
        type={type}
        value={type === 'password' ? undefined : value}
        required={required}
        autocomplete={autocomplete ?? (type === 'password' ? 'off' : undefined)}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy || undefined}
      />
      {hint ? (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p class="error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** A value to copy into Jira, with a copy button (the script) and selectable text (without). */
export function CopyValue({
  id,
  label,
  value,
  block,
}: {
  id: string;
  label: string;
  value: string;
  block?: boolean;
}) {
  return (
    <>
      <dt id={`${id}-label`}>{label}</dt>
      <dd class="copy">
        {block ? <pre id={id}>{value}</pre> : <code id={id}>{value}</code>}
        <button type="button" class="secondary" data-copy={id} aria-describedby={`${id}-label`}>
          Copy
        </button>
        <span id={`${id}-copied`} role="status" class="hint" />
      </dd>
    </>
  );
}

/** A form-level error (the service's message), announced to screen readers. */
export function ErrorBanner({ message }: { message?: string | undefined }) {
  if (!message) return null;
  return (
    <div class="banner bad" role="alert">
      {message}
    </div>
  );
}

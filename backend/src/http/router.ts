import type { Result, Router } from 'hono/router';
import { RegExpRouter } from 'hono/router/reg-exp-router';
import { SmartRouter } from 'hono/router/smart-router';
import { TrieRouter } from 'hono/router/trie-router';

/** Distinct paths remembered per method; past that the oldest is forgotten first. */
export const REMEMBERED_PATHS = 1024;
/** Longer paths are matched every time (they would cost memory for little). */
const LONGEST_REMEMBERED_PATH = 512;

/**
 * Hono's default router (RegExpRouter, else TrieRouter), remembering what each (method, path)
 * matched. Our routes include a static segment after a parameter at the same place
 * (`/connections/oauth` beside `/connections/:id/…`), which RegExpRouter cannot take, so every
 * request walks the TrieRouter with its ~190 routes and wildcard middleware: a few µs per request,
 * more than the rest of the routing. The route table is fixed once the app is built, so a path's
 * match never changes, and a CI tool posts to the same door again and again. A result is shared
 * between requests, as RegExpRouter already does for static paths: hono only reads it.
 */
export function rememberingRouter<T>(
  inner: Router<T> = new SmartRouter({ routers: [new RegExpRouter(), new TrieRouter()] }),
): Router<T> {
  const byMethod = new Map<string, Map<string, Result<T>>>();
  return {
    name: `RememberingRouter(${inner.name})`,
    add(method, path, handler) {
      byMethod.clear();
      inner.add(method, path, handler);
    },
    match(method, path) {
      let seen = byMethod.get(method);
      const known = seen?.get(path);
      if (known) return known;
      const result = inner.match(method, path);
      if (path.length > LONGEST_REMEMBERED_PATH) return result;
      if (!seen) {
        seen = new Map();
        byMethod.set(method, seen);
      } else if (seen.size >= REMEMBERED_PATHS) {
        const oldest = seen.keys().next().value;
        if (oldest !== undefined) seen.delete(oldest);
      }
      seen.set(path, result);
      return result;
    },
  };
}

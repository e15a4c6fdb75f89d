import { OpenAPIHono } from '@hono/zod-openapi';
import type { Env } from './env.ts';
import { renderProblem, validationError } from './problem.ts';
import { rememberingRouter } from './router.ts';

/**
 * A router whose request validation failures become one problem+json naming every invalid field
 * (`body.name`, `query.limit`, `params.id`). Matches are remembered per path (router.ts).
 */
export function createRouter<E extends Env = Env>(): OpenAPIHono<E> {
  return new OpenAPIHono<E>({
    router: rememberingRouter(),
    defaultHook: (result, c) => {
      if (!result.success) {
        const part = result.target === 'json' || result.target === 'form' ? 'body' : result.target;
        return renderProblem(c, validationError(part, result.error));
      }
    },
  });
}

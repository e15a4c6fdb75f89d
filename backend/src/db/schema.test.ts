import type { InferSelectModel } from 'drizzle-orm';
import { describe, expectTypeOf, it } from 'vitest';
import type * as pgSchema from './schema.pg.ts';
import type * as sqliteSchema from './schema.sqlite.ts';

// Repositories are written once against the PostgreSQL types and run on both stores; this keeps
// the two schema files in step (`tsc -b` fails when a column differs in name or type).
describe('schema files', () => {
  it('define the same tables on both stores', () => {
    expectTypeOf<keyof typeof pgSchema>().toEqualTypeOf<keyof typeof sqliteSchema>();
  });

  it('infer the same row types on both stores', () => {
    expectTypeOf<InferSelectModel<typeof sqliteSchema.apiKeys>>().toEqualTypeOf<
      InferSelectModel<typeof pgSchema.apiKeys>
    >();
  });
});

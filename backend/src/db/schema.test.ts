import type { InferSelectModel, Table } from 'drizzle-orm';
import { describe, expectTypeOf, it } from 'vitest';
import type { pgSchema } from './schema.pg.ts';
import type { sqliteSchema } from './schema.sqlite.ts';

// Repositories are written once against the PostgreSQL types and run on both stores; this keeps
// the two schema files in step (`tsc -b` fails when a column differs in name or type).
describe('schema files', () => {
  it('define the same tables on both stores', () => {
    expectTypeOf<keyof typeof pgSchema>().toEqualTypeOf<keyof typeof sqliteSchema>();
  });

  it('infer the same row types on both stores', () => {
    type Rows<S extends Record<string, Table>> = { [K in keyof S]: InferSelectModel<S[K]> };
    expectTypeOf<Rows<typeof sqliteSchema>>().toEqualTypeOf<Rows<typeof pgSchema>>();
  });
});

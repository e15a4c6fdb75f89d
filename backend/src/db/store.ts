import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { type SQL, sql } from 'drizzle-orm';
import { drizzle as drizzleSqlite } from 'drizzle-orm/better-sqlite3';
import { migrate as migrateSqlite } from 'drizzle-orm/better-sqlite3/migrator';
import { drizzle as drizzlePg, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { type Checkpointer, startCheckpointer, WRITER_CHECKPOINT_PAGES } from './checkpointer.ts';
import { createMutex } from './mutex.ts';
import { pgSchema } from './schema.pg.ts';
import { sqliteSchema } from './schema.sqlite.ts';

/**
 * Repositories are written once, against the PostgreSQL flavour of drizzle. On SQLite the same
 * calls run on drizzle's SQLite builders (same method names, same row types: schema.test.ts
 * checks the row types match and every repo contract suite runs on both stores).
 */
export type Db = NodePgDatabase<typeof pgSchema>;
export type Tables = typeof pgSchema;

export type StoreOptions =
  | { kind: 'sqlite'; file: string }
  | { kind: 'postgres'; url: string; poolSize?: number; onIdleError?: (error: Error) => void };

/** The embedded SQLite file or a PostgreSQL database, with its migrations applied. */
export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  /** Reads. On SQLite a read-only connection that sees committed data only. */
  readonly db: Db;
  readonly tables: Tables;
  /** Every write goes through here. On SQLite writers queue; on PostgreSQL they run in parallel. */
  transaction<T>(work: (tx: Db) => Promise<T>): Promise<T>;
  /** Raw rows for the few statements the query builder cannot express. */
  query<Row>(db: Db, statement: SQL): Promise<Row[]>;
  /** Runs a raw statement that returns no rows; resolves to the number of rows it changed. */
  execute(db: Db, statement: SQL): Promise<number>;
  ping(): Promise<void>;
  pendingMigrations(): Promise<number>;
  close(): Promise<void>;
}

const migrationsRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'drizzle');

function journalSize(folder: string): number {
  const journal = JSON.parse(readFileSync(join(folder, 'meta', '_journal.json'), 'utf8')) as {
    entries: unknown[];
  };
  return journal.entries.length;
}

/** Opens the store and applies pending migrations. */
export async function openStore(options: StoreOptions): Promise<Store> {
  return options.kind === 'sqlite' ? openSqlite(options.file) : openPostgres(options);
}

/**
 * The better-sqlite3 connection behind a SQLite `Db` (the writer inside `transaction`), for the
 * few hot statements that skip the query builder; undefined on PostgreSQL.
 */
export function sqliteConnectionOf(db: Db): Database.Database | undefined {
  const client: unknown = '$client' in db ? db.$client : undefined;
  return client instanceof Database ? client : undefined;
}

function tuneSqlite(connection: Database.Database): void {
  connection.pragma('journal_mode = WAL');
  connection.pragma('synchronous = NORMAL');
  connection.pragma('foreign_keys = ON');
  connection.pragma('busy_timeout = 5000');
}

async function openSqlite(file: string): Promise<Store> {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const writer = new Database(file);
  tuneSqlite(writer);
  const writeDb = drizzleSqlite({ client: writer, schema: sqliteSchema });
  const folder = join(migrationsRoot, 'sqlite');
  migrateSqlite(writeDb, { migrationsFolder: folder });
  // Checkpoints run on a worker thread; the writer's own is only a safety net (checkpointer.ts).
  let checkpointer: Checkpointer | undefined;
  if (file !== ':memory:') {
    writer.pragma(`wal_autocheckpoint = ${WRITER_CHECKPOINT_PAGES}`);
    checkpointer = startCheckpointer(file);
  }
  const reader = new Database(file, { readonly: true });
  reader.pragma('busy_timeout = 5000');
  reader.pragma('foreign_keys = ON');
  const readDb = drizzleSqlite({ client: reader, schema: sqliteSchema });
  const expected = journalSize(folder);
  const lock = createMutex();
  // Prepared once: preparing is a parse per transaction, and ingestion commits thousands a second.
  const begin = writer.prepare('BEGIN IMMEDIATE');
  const commit = writer.prepare('COMMIT');
  const rollback = writer.prepare('ROLLBACK');
  // The one place the SQLite builders are typed as the PostgreSQL ones (see `Db` above).
  const asDb = (db: unknown) => db as Db;

  return {
    dialect: 'sqlite',
    db: asDb(readDb),
    tables: sqliteSchema as unknown as Tables,
    transaction: (work) =>
      lock.run(async () => {
        begin.run();
        try {
          const result = await work(asDb(writeDb));
          commit.run();
          return result;
        } catch (error) {
          if (writer.inTransaction) rollback.run();
          throw error;
        }
      }),
    query: async <Row>(db: Db, statement: SQL) =>
      (db as unknown as typeof readDb).all(statement) as Row[],
    execute: async (db: Db, statement: SQL) =>
      (db as unknown as typeof readDb).run(statement).changes,
    ping: async () => {
      reader.prepare('SELECT 1').get();
    },
    pendingMigrations: async () => {
      const row = reader.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as {
        n: number;
      };
      return Math.max(0, expected - row.n);
    },
    close: async () => {
      await lock.run(async () => {
        await checkpointer?.stop();
        reader.close();
        writer.close();
      });
    },
  };
}

async function openPostgres(options: {
  url: string;
  poolSize?: number;
  onIdleError?: (error: Error) => void;
}): Promise<Store> {
  const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10 });
  // An idle connection dropped by the server (restart, failover) must not crash the process; the
  // pool replaces it and the next query reports any lasting problem.
  pool.on('error', (error) => options.onIdleError?.(error));
  const db = drizzlePg({ client: pool, schema: pgSchema });
  const folder = join(migrationsRoot, 'pg');
  const migrationsSchema = 'drizzle';
  const client = await pool.connect();
  try {
    // Replicas starting together must not race on the same migration.
    await client.query("SELECT pg_advisory_lock(hashtext('testbridge_migrations'))");
    try {
      await migratePg(drizzlePg({ client }), { migrationsFolder: folder, migrationsSchema });
    } finally {
      await client.query("SELECT pg_advisory_unlock(hashtext('testbridge_migrations'))");
    }
  } finally {
    client.release();
  }
  const expected = journalSize(folder);

  return {
    dialect: 'postgres',
    db,
    tables: pgSchema,
    transaction: (work) => db.transaction((tx) => work(tx as unknown as Db)),
    query: async <Row>(target: Db, statement: SQL) =>
      (await target.execute(statement)).rows as Row[],
    execute: async (target: Db, statement: SQL) => (await target.execute(statement)).rowCount ?? 0,
    ping: async () => {
      await pool.query('SELECT 1');
    },
    pendingMigrations: async () => {
      const result = await db.execute<{ n: string }>(
        sql`SELECT count(*) AS n FROM ${sql.identifier(migrationsSchema)}.__drizzle_migrations`,
      );
      return Math.max(0, expected - Number(result.rows[0]?.n ?? 0));
    },
    close: async () => {
      await pool.end();
    },
  };
}

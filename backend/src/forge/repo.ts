import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Db, Tables } from '../db/store.ts';

export type InstallationRow = Tables['forgeInstallations']['$inferSelect'];

/** Forge app installations, one row per Forge installation id. */
export function createInstallationRepo(tables: Tables) {
  const t = tables.forgeInstallations;
  return {
    /**
     * Records an installation (again): a repeated install call (Forge retries events) refreshes
     * the row and clears `uninstalledAt`, keeping the first `installedAt`.
     */
    async upsert(db: Db, row: InstallationRow): Promise<void> {
      await db
        .insert(t)
        .values(row)
        .onConflictDoUpdate({
          target: t.installationId,
          set: {
            appId: row.appId,
            environment: row.environment,
            cloudId: row.cloudId,
            siteUrl: row.siteUrl,
            apiBaseUrl: row.apiBaseUrl,
            connectionId: row.connectionId,
            updatedAt: row.updatedAt,
            uninstalledAt: null,
          },
        });
    },
    async findByInstallationId(db: Db, installationId: string) {
      const rows = await db.select().from(t).where(eq(t.installationId, installationId)).limit(1);
      return rows[0];
    },
    /** The site's installation still in place, newest first. */
    async findCurrentForSite(db: Db, cloudId: string): Promise<InstallationRow | undefined> {
      const rows = await db
        .select()
        .from(t)
        .where(and(eq(t.cloudId, cloudId), isNull(t.uninstalledAt)))
        .orderBy(desc(t.installedAt), desc(t.id))
        .limit(1);
      return rows[0];
    },
    /** Marks an installation gone; false when it was unknown or already gone. */
    async markUninstalled(db: Db, installationId: string, at: Date): Promise<boolean> {
      const rows = await db
        .update(t)
        .set({ uninstalledAt: at, updatedAt: at })
        .where(and(eq(t.installationId, installationId), isNull(t.uninstalledAt)))
        .returning({ id: t.id });
      return rows.length > 0;
    },
    async update(db: Db, id: string, changes: Partial<InstallationRow>): Promise<void> {
      await db.update(t).set(changes).where(eq(t.id, id));
    },
  };
}

export type InstallationRepo = ReturnType<typeof createInstallationRepo>;

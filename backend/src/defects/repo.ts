import { and, asc, eq, inArray, isNotNull } from 'drizzle-orm';
import type { Db, Tables } from '../db/store.ts';

export type DefectRow = Tables['defects']['$inferSelect'];

/** Defects and the executions linked to them: the only SQL of the defects feature. */
export function createDefectRepo(tables: Tables) {
  const { defects, defectExecutions: links } = tables;
  return {
    async insert(db: Db, row: DefectRow): Promise<void> {
      await db.insert(defects).values(row);
    },
    async findById(db: Db, id: string): Promise<DefectRow | undefined> {
      return (await db.select().from(defects).where(eq(defects.id, id)).limit(1))[0];
    },
    /** The open (pending or created) defect of a failure signature in a tool project. */
    async findOpen(db: Db, projectKey: string, signature: string): Promise<DefectRow | undefined> {
      return (
        await db
          .select()
          .from(defects)
          .where(and(eq(defects.projectKey, projectKey), eq(defects.openSignature, signature)))
          .limit(1)
      )[0];
    },
    async listByTest(db: Db, testId: string): Promise<DefectRow[]> {
      return db.select().from(defects).where(eq(defects.testId, testId)).orderBy(asc(defects.id));
    },
    /** Open defects of these tests (for the Tests panel), oldest first. */
    async listOpenByTests(db: Db, testIds: readonly string[]): Promise<DefectRow[]> {
      const found: DefectRow[] = [];
      for (let i = 0; i < testIds.length; i += 500) {
        found.push(
          ...(await db
            .select()
            .from(defects)
            .where(
              and(
                inArray(defects.testId, testIds.slice(i, i + 500)),
                isNotNull(defects.openSignature),
              ),
            )
            .orderBy(asc(defects.id))),
        );
      }
      return found;
    },
    async update(db: Db, id: string, change: Partial<Omit<DefectRow, 'id'>>): Promise<void> {
      await db.update(defects).set(change).where(eq(defects.id, id));
    },
    async linkExecution(db: Db, defectId: string, executionId: string, now: Date): Promise<void> {
      await db.insert(links).values({ defectId, executionId, linkedAt: now }).onConflictDoNothing();
    },
    async executionIds(db: Db, defectIds: readonly string[]): Promise<Map<string, string[]>> {
      const byDefect = new Map<string, string[]>();
      if (defectIds.length === 0) return byDefect;
      const rows = await db
        .select({ defectId: links.defectId, executionId: links.executionId })
        .from(links)
        .where(inArray(links.defectId, [...defectIds]))
        .orderBy(asc(links.linkedAt), asc(links.executionId));
      for (const row of rows)
        byDefect.set(row.defectId, [...(byDefect.get(row.defectId) ?? []), row.executionId]);
      return byDefect;
    },
  };
}

/**
 * Defects: a Jira issue filed for a failed test, at most one open per failure signature (test +
 * normalised first line of the message). `POST /api/v1/defects` answers 202 with a pending defect
 * (sent to Jira through the outbox) or 200 with the open defect the failure already has.
 */
import { z } from 'zod';

export const CreateDefectRequest = z.strictObject({
  /** The run and test of the failed (or errored) execution, as the Tests panel lists them. */
  runId: z.string().min(1).max(200),
  testId: z.string().min(1).max(200),
  /** Replaces the generated summary (`Test failure: <test>: <first line>`). */
  summary: z.string().trim().min(1).max(255).optional(),
});
export type CreateDefectRequest = z.infer<typeof CreateDefectRequest>;

export const DefectState = z.enum(['pending', 'created', 'failed']);
export type DefectState = z.infer<typeof DefectState>;

export const Defect = z.object({
  id: z.string(),
  state: DefectState,
  projectKey: z.string(),
  connectionId: z.string(),
  testId: z.string(),
  runId: z.string(),
  signature: z.string(),
  summary: z.string(),
  /** Jira's issue once created. */
  issue: z.object({ id: z.string(), key: z.string(), url: z.string() }).nullable(),
  /** Why Jira did not take it (state failed). */
  failureReason: z.string().nullable(),
  /** Executions that failed this way (the first and later reruns). */
  executionIds: z.array(z.string()),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Defect = z.infer<typeof Defect>;

/** `existing: true` when the failure already had an open defect (the execution was linked to it). */
export const DefectFiled = z.object({ defect: Defect, existing: z.boolean() });
export type DefectFiled = z.infer<typeof DefectFiled>;

export const DefectIdParam = z.object({ id: z.string().min(1) });
export const DefectListQuery = z.strictObject({ testId: z.string().min(1) });
export const DefectList = z.object({ items: z.array(Defect) });

export const DefectCreateUrlQuery = z.strictObject({
  runId: z.string().min(1).max(200),
  testId: z.string().min(1).max(200),
});
/** Jira's own create-issue screen, prefilled, for tools that prefer Jira's dialog. */
export const DefectCreateUrl = z.object({ url: z.string() });

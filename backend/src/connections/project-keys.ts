/**
 * Which Jira projects a connection works with (the projects mapped to it), so diagnostics can
 * check permissions per project. Connections owns this interface and never imports mappings;
 * the mappings feature implements it and is passed in deps. None given: no projects known.
 */
export type ProjectKeysOf = (connectionId: string) => Promise<readonly string[]>;

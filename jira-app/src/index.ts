/**
 * The export table of Forge functions: one export per `function` key in manifest.yml, nothing
 * else (manifest.test.ts checks both ways). Testbridge has none today: the panel, the admin page
 * and the lifecycle triggers all call the backend through Forge Remote endpoints.
 */
export {};

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A wrk script posting builds to Jira's bulk route: `itemsPerRequest` builds per request, each
 * with a build number never used before in this run (so every item is a new, durable row).
 */
export function writeBuildsScript(
  dir: string,
  options: { name: string; path: string; token: string; itemsPerRequest: number; offset: number },
): string {
  const file = join(dir, `${options.name}.lua`);
  writeFileSync(
    file,
    `local counter = ${options.offset}
local path = "${options.path}"
local headers = { ["content-type"] = "application/json", ["authorization"] = "Bearer ${options.token}" }
local item = '{"pipelineId":"bench","buildNumber":%d,"updateSequenceNumber":%d,"displayName":"bench #%d","url":"https://ci.example/bench/%d","state":"successful","lastUpdated":"2026-01-01T00:00:00.000Z","issueKeys":["TB-1"],"testInfo":{"totalNumber":10,"numberPassed":9,"numberFailed":1}}'
request = function()
  local items = {}
  for i = 1, ${options.itemsPerRequest} do
    counter = counter + 1
    items[i] = string.format(item, counter, counter, counter, counter)
  end
  return wrk.format("POST", path, headers, '{"properties":{"source":"bench"},"builds":[' .. table.concat(items, ",") .. ']}')
end
`,
  );
  return file;
}

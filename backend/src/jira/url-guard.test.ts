import { describe, expect, it } from 'vitest';
import { AppError } from '../http/errors.ts';
import { assertJiraUrlAllowed, isBlockedAddress } from './url-guard.ts';

const dns: Record<string, string[]> = {
  'acme.atlassian.net': ['104.192.141.1'],
  'rebind.example.com': ['104.192.141.1', '10.0.0.5'],
  'metadata.example.com': ['169.254.169.254'],
  'v6-local.example.com': ['::1'],
};
const lookupHost = async (host: string) => {
  const addresses = dns[host];
  if (!addresses) throw new Error('ENOTFOUND');
  return addresses;
};
const strict = { allowPrivate: false, lookupHost };

async function refusal(url: string): Promise<string> {
  const error = await assertJiraUrlAllowed(url, 'jiraUrl', strict).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof AppError)) return 'allowed';
  expect(error.code).toBe('url_not_allowed');
  expect(error.invalidFields?.[0]?.field).toBe('jiraUrl');
  return error.message;
}

describe('the Jira URL guard', () => {
  it('allows https to a public host', async () => {
    expect(await refusal('https://acme.atlassian.net')).toBe('allowed');
  });

  it.each([
    ['http://acme.atlassian.net', /https/],
    ['https://127.0.0.1/jira', /127\.0\.0\.1/],
    ['https://[::1]/', /::1/],
    ['https://169.254.169.254/latest/meta-data', /169\.254/],
    ['https://metadata.example.com', /169\.254\.169\.254/],
    ['https://rebind.example.com', /10\.0\.0\.5/],
    ['https://v6-local.example.com', /::1/],
    ['https://192.168.1.10', /192\.168/],
    ['https://nowhere.invalid', /does not resolve/],
    ['https://user:pw@acme.atlassian.net', /credentials/],
    ['file:///etc/passwd', /https/],
    ['not a url', /not a URL/],
  ])('refuses %s', async (url, reason) => {
    expect(await refusal(url)).toMatch(reason);
  });

  it('lets development point at loopback over http when private URLs are allowed', async () => {
    const url = await assertJiraUrlAllowed('http://localhost:4010/dc/jira', 'jiraUrl', {
      allowPrivate: true,
      lookupHost,
    });
    expect(url.pathname).toBe('/dc/jira');
  });

  it('treats IPv4-mapped IPv6 and reserved ranges as blocked', () => {
    expect(isBlockedAddress('::ffff:127.0.0.1')).toBe(true);
    expect(isBlockedAddress('100.64.1.1')).toBe(true);
    expect(isBlockedAddress('fd00:ec2::254')).toBe(true);
    expect(isBlockedAddress('8.8.8.8')).toBe(false);
    expect(isBlockedAddress('2606:4700::1111')).toBe(false);
  });
});

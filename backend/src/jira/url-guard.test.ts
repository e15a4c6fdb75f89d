import { describe, expect, it } from 'vitest';
import { AppError } from '../http/errors.ts';
import {
  assertJiraUrlAllowed,
  assertProxyUrlAllowed,
  isBlockedAddress,
  proxyAddressRefusal,
} from './url-guard.ts';

const dns: Record<string, string[]> = {
  'acme.atlassian.net': ['104.192.141.1'],
  'rebind.example.com': ['104.192.141.1', '10.0.0.5'],
  'metadata.example.com': ['169.254.169.254'],
  'v6-local.example.com': ['::1'],
  'proxy.corp.example': ['10.20.0.8'],
  'proxy.public.example': ['104.192.141.9'],
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

describe('the proxy URL guard', () => {
  async function proxyRefusal(url: string, allowPrivate: boolean): Promise<string> {
    const error = await assertProxyUrlAllowed(url, 'body.proxy.url', {
      allowPrivate,
      lookupHost,
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!(error instanceof AppError)) return 'allowed';
    expect(error.code).toBe('url_not_allowed');
    expect(error.invalidFields?.[0]?.field).toBe('body.proxy.url');
    return error.message;
  }

  it.each([
    'http://169.254.169.254',
    'http://metadata.example.com:3128',
    'http://[fd00:ec2::254]',
    'http://[::ffff:169.254.169.254]',
    'http://[64:ff9b::169.254.169.254]',
    'http://100.100.100.200',
    'http://[fe80::1]:3128',
    'http://0.0.0.0:3128',
    'http://224.0.0.1',
  ])('never allows a metadata, link-local or reserved proxy: %s', async (url) => {
    expect(await proxyRefusal(url, true)).toMatch(/link-local, metadata or reserved/);
  });

  it.each([
    'http://127.0.0.1:3128',
    'http://[::1]:3128',
    'http://10.1.2.3:8080',
    'http://192.168.0.10:3128',
    'http://proxy.corp.example:3128',
    'http://v6-local.example.com',
    'http://[::ffff:127.0.0.1]',
  ])('allows a loopback or private proxy only with ALLOW_PRIVATE_PROXY_URLS: %s', async (url) => {
    expect(await proxyRefusal(url, false)).toMatch(/ALLOW_PRIVATE_PROXY_URLS=1/);
    expect(await proxyRefusal(url, true)).toBe('allowed');
  });

  it('allows a public proxy, over http or https', async () => {
    expect(await proxyRefusal('http://proxy.public.example:3128', false)).toBe('allowed');
    expect(await proxyRefusal('https://104.192.141.9', false)).toBe('allowed');
  });

  it.each([
    ['socks5://proxy.public.example', /http\(s\)/],
    ['http://u:p@proxy.public.example', /credentials/],
    ['http://nowhere.invalid:3128', /does not resolve/],
    ['not a url', /not a URL/],
  ])('refuses %s', async (url, reason) => {
    expect(await proxyRefusal(url, true)).toMatch(reason);
  });

  it('refuses anything that is not an IP address', () => {
    expect(proxyAddressRefusal('proxy.corp.example', true)).toMatch(/not an IP address/);
  });
});

import { createReadStream, readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { ReportTestCase } from '@testbridge/shared/api/test-report';
import { describe, expect, it } from 'vitest';
import { readJUnitReport } from './junit-reader.ts';
import { chunksOf, collect } from './testing.ts';

const FIXTURES = new URL('./fixtures/', import.meta.url);

/** Reads a fixture in 13-byte chunks, so tags, entities and UTF-8 sequences straddle chunks. */
async function readFixture(name: string): Promise<ReportTestCase[]> {
  const source = createReadStream(new URL(name, FIXTURES), { highWaterMark: 13 });
  return collect(readJUnitReport(source, { fileName: name, field: 'files[0]' }));
}

const surefire = { classname: 'com.acme.cart.CartTest', suite: 'com.acme.cart.CartTest' };
const shipping = 'expected: <4.99> but was: <5.99>';

describe('JUnit flavours', () => {
  it('reads Maven Surefire: flaky and rerun failures folded, thousands separators, bad time absent', async () => {
    expect(await readFixture('surefire.xml')).toEqual([
      { ...surefire, name: 'addsAnItem', status: 'passed', durationMs: 12 },
      {
        ...surefire,
        name: 'appliesDiscount',
        status: 'passed',
        flaky: true,
        attempts: 2,
        durationMs: 431,
        message: 'expected: <90> but was: <100>',
        stack:
          'org.opentest4j.AssertionFailedError: expected: <90> but was: <100>\n' +
          '\tat org.junit.jupiter.api.AssertionFailureBuilder.build(AssertionFailureBuilder.java:151)\n' +
          '\tat com.acme.cart.CartTest.appliesDiscount(CartTest.java:42)',
      },
      {
        ...surefire,
        name: 'computesShipping',
        status: 'failed',
        attempts: 3,
        durationMs: 208,
        message: shipping,
        stack: `org.opentest4j.AssertionFailedError: ${shipping}\n\tat com.acme.cart.CartTest.computesShipping(CartTest.java:57)`,
        output: 'zone=EU weight=1.2kg',
      },
      {
        ...surefire,
        name: 'loadsPriceList',
        status: 'error',
        durationMs: 1_240_500,
        message: 'Connection refused',
        stack:
          'java.net.ConnectException: Connection refused\n' +
          '\tat java.base/sun.nio.ch.Net.connect0(Native Method)\n' +
          '\tat com.acme.cart.CartTest.loadsPriceList(CartTest.java:71)',
      },
      {
        ...surefire,
        name: 'exportsCsv',
        status: 'skipped',
        durationMs: 0,
        message: 'CSV export is disabled on CI',
      },
      { ...surefire, name: 'roundsTotals', status: 'passed' },
    ]);
  });

  it('reads Maven Failsafe: flakyError is a flaky pass, rerunError an error every time', async () => {
    const it = { classname: 'com.acme.it.CheckoutIT', suite: 'com.acme.it.CheckoutIT' };
    expect(await readFixture('failsafe.xml')).toEqual([
      { ...it, name: 'placesAnOrder', status: 'passed', durationMs: 4118 },
      {
        ...it,
        name: 'sendsConfirmationMail',
        status: 'passed',
        flaky: true,
        attempts: 2,
        durationMs: 6020,
        message: 'Read timed out',
        stack:
          'java.net.SocketTimeoutException: Read timed out\n\tat com.acme.it.CheckoutIT.sendsConfirmationMail(CheckoutIT.java:88)',
      },
      {
        ...it,
        name: 'refundsAnOrder',
        status: 'error',
        attempts: 2,
        durationMs: 2766,
        message: 'Container postgres exited with code 137',
        stack:
          'org.testcontainers.containers.ContainerLaunchException: Container postgres exited with code 137\n\tat com.acme.it.CheckoutIT.refundsAnOrder(CheckoutIT.java:102)',
      },
    ]);
  });

  const payment = { classname: 'com.acme.PaymentTest', suite: 'com.acme.PaymentTest' };

  it('reads Gradle with mergeReruns: flaky, rerun, and a flaky attempt then a skip', async () => {
    expect(await readFixture('gradle-merge-reruns.xml')).toEqual([
      {
        ...payment,
        name: 'chargesCard()',
        status: 'passed',
        flaky: true,
        attempts: 3,
        durationMs: 2000,
        message: 'java.lang.AssertionError: gateway timeout',
        stack:
          'java.lang.AssertionError: gateway timeout\n\tat com.acme.PaymentTest.chargesCard(PaymentTest.java:31)',
        output: 'attempt 3 passed',
      },
      {
        ...payment,
        name: 'refunds()',
        status: 'failed',
        attempts: 2,
        durationMs: 1000,
        message: 'java.lang.IllegalStateException: no such charge',
        stack:
          'java.lang.IllegalStateException: no such charge\n\tat com.acme.PaymentTest.refunds(PaymentTest.java:52)',
      },
      { ...payment, name: 'voids()', status: 'skipped', attempts: 2, durationMs: 1200 },
    ]);
  });

  it('yields each of Gradle default duplicate testcases (one per attempt) in document order', async () => {
    expect(await readFixture('gradle-default.xml')).toEqual([
      {
        ...payment,
        name: 'chargesCard()',
        status: 'failed',
        durationMs: 300,
        message: 'java.lang.AssertionError: gateway timeout',
        stack:
          'java.lang.AssertionError: gateway timeout\n\tat com.acme.PaymentTest.chargesCard(PaymentTest.java:31)',
      },
      { ...payment, name: 'chargesCard()', status: 'passed', durationMs: 200 },
      { ...payment, name: 'refunds()', status: 'passed', durationMs: 400 },
    ]);
  });

  it('reads pytest: record_property keys and requirements, setup errors, skip and xfail', async () => {
    const py = { classname: 'tests.test_cart', suite: 'pytest' };
    expect(await readFixture('pytest.xml')).toEqual([
      {
        ...py,
        name: 'test_total[2-items]',
        status: 'passed',
        durationMs: 1,
        key: 'SHOP-T12',
        requirements: ['SHOP-7', 'SHOP-8', 'SHOP-9'],
        properties: { browser: 'firefox' },
      },
      {
        ...py,
        classname: 'tests.test_cart.TestCheckout',
        name: 'test_pay',
        status: 'failed',
        durationMs: 2,
        message: 'AssertionError: assert 3 == 4',
        stack:
          'def test_pay():\n>       assert add(1, 2) == 4\nE       AssertionError: assert 3 == 4\n\ntests/test_cart.py:14: AssertionError',
      },
      {
        ...py,
        name: 'test_db',
        status: 'error',
        durationMs: 0,
        message: 'failed on setup with "ConnectionRefusedError: [Errno 111] Connection refused"',
        stack:
          '@pytest.fixture\n    def db():\n>       return connect("postgres://db:5432")\n' +
          'E       ConnectionRefusedError: [Errno 111] Connection refused\n\ntests/conftest.py:8: ConnectionRefusedError',
      },
      {
        ...py,
        name: 'test_windows_only',
        status: 'skipped',
        durationMs: 0,
        message: 'requires Windows',
        stack: '/home/ci/tests/test_cart.py:20: requires Windows',
      },
      {
        ...py,
        name: 'test_known_bug',
        status: 'skipped',
        durationMs: 1,
        message: 'SHOP-31 rounding',
      },
    ]);
  });

  it('reads jest-junit: a failure without a message attribute gives its first text line', async () => {
    expect(await readFixture('jest-junit.xml')).toEqual([
      {
        classname: 'Cart adds an item',
        name: 'Cart adds an item',
        suite: 'Cart',
        status: 'passed',
        durationMs: 4,
      },
      {
        classname: 'Cart › totals › applies tax',
        name: 'Cart › totals › applies tax',
        suite: 'Cart',
        status: 'failed',
        durationMs: 11,
        message: 'Error: expect(received).toBe(expected) // Object.is equality',
        stack:
          'Error: expect(received).toBe(expected) // Object.is equality\n\nExpected: 108\nReceived: 100\n' +
          '    at Object.<anonymous> (/app/src/cart.test.ts:21:29)',
      },
      {
        classname: 'Cart is skipped',
        name: 'Cart is skipped',
        suite: 'Cart',
        status: 'skipped',
        durationMs: 0,
      },
    ]);
  });

  it('reads Playwright: title paths, annotation properties, includeRetries flaky', async () => {
    const spec = { classname: 'auth/login.spec.ts', suite: 'auth/login.spec.ts' };
    const cases = await readFixture('playwright.xml');
    expect(cases.map(({ stack, ...rest }) => rest)).toEqual([
      {
        ...spec,
        name: 'login › shows an error on a bad password',
        status: 'failed',
        durationMs: 5310,
        message: 'login.spec.ts:14:7 shows an error on a bad password',
        properties: { issue: 'SHOP-42', slow: '' },
        output: '[[ATTACHMENT|test-results/auth-login-shows-an-error-chromium/test-failed-1.png]]',
      },
      {
        ...spec,
        name: 'login › remembers the user',
        status: 'passed',
        flaky: true,
        attempts: 2,
        durationMs: 4020,
        message: 'login.spec.ts:30:7 remembers the user',
        requirements: ['SHOP-40'],
      },
      { ...spec, name: 'login › logs out', status: 'passed', durationMs: 470 },
      {
        ...spec,
        name: 'login › signs in with SSO',
        status: 'skipped',
        durationMs: 0,
        properties: { fixme: 'SSO is not wired on staging' },
      },
    ]);
    expect(cases[0]?.stack).toMatch(
      /^\[chromium\] › auth\/login\.spec\.ts:14:7 › login › shows an error on a bad password ─+\n\n {4}Error: Timed out 5000ms/,
    );
    expect(cases[0]?.stack).toMatch(/at \/app\/tests\/auth\/login\.spec\.ts:17:43$/);
    expect(cases[1]?.stack).toBe(
      'Error: expect(received).toBe(expected)\n        at /app/tests/auth/login.spec.ts:33:21',
    );
  });

  it('reads mocha-junit-reporter: the empty Root Suite yields nothing', async () => {
    const cart = { suite: 'cart' };
    expect(await readFixture('mocha-junit-reporter.xml')).toEqual([
      {
        ...cart,
        name: 'cart adds an item',
        classname: 'adds an item',
        status: 'passed',
        durationMs: 10,
      },
      {
        ...cart,
        name: 'cart removes an item',
        classname: 'removes an item',
        status: 'failed',
        durationMs: 30,
        message: 'expected 1 to equal 0',
        stack:
          'AssertionError: expected 1 to equal 0\n    at Context.eval (webpack:///./cypress/e2e/cart.cy.ts:14:25)',
      },
      {
        ...cart,
        name: 'cart shows the total [SHOP-9]',
        classname: 'shows the total [SHOP-9]',
        status: 'passed',
        durationMs: 12,
      },
    ]);
  });

  it('reads gotestsum: flattened subtests, message="Failed", skip output, --rerun-fails repeats', async () => {
    const pkg = {
      classname: 'example.com/shop/cart',
      suite: 'example.com/shop/cart',
      durationMs: 0,
    };
    expect(await readFixture('gotestsum.xml')).toEqual([
      { ...pkg, name: 'TestTotal', status: 'passed' },
      { ...pkg, name: 'TestDiscount/ten_percent', status: 'passed' },
      {
        ...pkg,
        name: 'TestDiscount/negative',
        status: 'failed',
        message: 'Failed',
        stack:
          '=== RUN   TestDiscount/negative\n    cart_test.go:31: got 110, want 90\n--- FAIL: TestDiscount/negative (0.00s)',
      },
      {
        ...pkg,
        name: 'TestDiscount',
        status: 'failed',
        message: 'Failed',
        stack: '=== RUN   TestDiscount\n--- FAIL: TestDiscount (0.00s)',
      },
      {
        ...pkg,
        name: 'TestStripe',
        status: 'skipped',
        message:
          '=== RUN   TestStripe\n    cart_test.go:40: STRIPE_KEY not set\n--- SKIP: TestStripe (0.00s)',
      },
      {
        ...pkg,
        name: 'TestCache',
        status: 'failed',
        durationMs: 120,
        message: 'Failed',
        stack:
          '=== RUN   TestCache\n    cache_test.go:12: stale entry\n--- FAIL: TestCache (0.12s)',
      },
      { ...pkg, name: 'TestCache', status: 'passed', durationMs: 10 },
    ]);
  });

  it('reads Robot xunit: nested suites, SkipExecution, suite properties kept off the cases', async () => {
    expect(await readFixture('robot-xunit.xml')).toEqual([
      {
        classname: 'Shop.Checkout',
        suite: 'Checkout',
        name: 'Pay With Card',
        status: 'passed',
        durationMs: 1203,
      },
      {
        classname: 'Shop.Checkout',
        suite: 'Checkout',
        name: 'Pay With Voucher',
        status: 'failed',
        durationMs: 808,
        message: "Voucher 'XMAS' is not valid",
      },
      {
        classname: 'Shop.Checkout',
        suite: 'Checkout',
        name: 'Pay With Crypto',
        status: 'skipped',
        durationMs: 1,
        message: 'Not supported yet',
      },
      {
        classname: 'Shop',
        suite: 'Shop',
        name: 'Smoke @SHOP-1',
        status: 'passed',
        durationMs: 598,
      },
    ]);
  });

  it('names each case after its innermost named testsuite', async () => {
    expect(await readFixture('nested.xml')).toEqual([
      { name: 'outside any suite', status: 'passed' },
      { name: 'lists orders', classname: 'orders', suite: 'api.orders', status: 'passed' },
      { name: 'creates an order', classname: 'orders', suite: 'api.orders', status: 'passed' },
      {
        name: 'answers health checks',
        classname: 'api',
        suite: 'api',
        status: 'passed',
        output: 'ok',
      },
    ]);
  });

  it('reads every fixture the same way whole, byte by byte and gzipped, in the shared contract', async () => {
    for (const name of readdirSync(FIXTURES)) {
      const bytes = readFileSync(new URL(name, FIXTURES));
      const options = { fileName: name, field: 'file' };
      const whole = await collect(readJUnitReport(chunksOf(bytes, bytes.length), options));
      const gzipped = gzipSync(bytes);
      expect(whole.length, name).toBeGreaterThan(0);
      expect(await collect(readJUnitReport(chunksOf(bytes, 1), options)), name).toEqual(whole);
      expect(await collect(readJUnitReport(chunksOf(gzipped, 7), options)), name).toEqual(whole);
      for (const test of whole) expect(ReportTestCase.parse(test)).toEqual(test);
    }
  });
});

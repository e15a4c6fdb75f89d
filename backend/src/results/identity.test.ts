import { describe, expect, it } from 'vitest';
import { normaliseTestName, requirementKeysOf, testIdentityOf } from './identity.ts';

describe('test identity', () => {
  it('is the explicit key when there is one, whatever the name', () => {
    expect(testIdentityOf({ key: 'TB-T1', name: 'old name' })).toBe(
      testIdentityOf({ key: 'TB-T1', name: 'renamed', classname: 'x.Y' }),
    );
  });

  it('is classname and name, with tags and spacing ignored, without a key', () => {
    const plain = testIdentityOf({ name: 'logs in', classname: 'auth.LoginTest' });
    expect(testIdentityOf({ name: 'logs  in [PROJ-12]', classname: ' auth.LoginTest' })).toBe(
      plain,
    );
    expect(testIdentityOf({ name: 'logs in', classname: 'auth.OtherTest' })).not.toBe(plain);
    expect(normaliseTestName('@PROJ-1 checks out @PROJ-22')).toBe('checks out');
  });
});

describe('requirement keys', () => {
  it('unites the requirements with every tag in the name, once each', () => {
    expect(
      requirementKeysOf({
        name: 'pays @PAY-7 and [PAY-8] @PAY-7',
        requirements: ['PAY-8', 'WEB-1'],
      }),
    ).toEqual(['PAY-8', 'WEB-1', 'PAY-7']);
  });

  it('ignores look-alikes: lower case, zero numbers, e-mail addresses, bare keys', () => {
    expect(requirementKeysOf({ name: 'mail me@x-1 [pay-1] @PAY-0 about PAY-3' })).toEqual([]);
  });
});

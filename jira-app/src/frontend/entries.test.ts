import { describe, expect, it } from 'vitest';
import { type BridgeCall, bridgeHost, productAnswer, remoteAnswer } from '../testing/bridge.ts';
import { issueTestsFixture } from '../testing/fixtures.ts';
import { settle } from '../testing/render.ts';

interface ForgeDoc {
  type: string;
  props?: Record<string, unknown>;
  children?: ForgeDoc[];
}

/** The tree UI Kit's reconciler last sent to the host (`reconcile` with a forgeDoc). */
function lastDoc(calls: BridgeCall[]): ForgeDoc {
  const reconciles = calls.filter((call) => call.cmd === 'reconcile');
  const doc = reconciles.at(-1)?.data?.forgeDoc as ForgeDoc | undefined;
  if (!doc) throw new Error('nothing was sent to the host');
  return doc;
}

const flatten = (doc: ForgeDoc): ForgeDoc[] => [doc, ...(doc.children ?? []).flatMap(flatten)];
const textIn = (doc: ForgeDoc) =>
  flatten(doc)
    .filter((node) => node.type === 'String')
    .map((node) => String(node.props?.text ?? ''))
    .join('');

describe('the resource entries, through the real UI Kit reconciler', () => {
  it('the panel entry sends the host a tree with the coverage lozenge and the tests table', async () => {
    bridgeHost.reset((call) => {
      if (call.cmd === 'getContext') {
        return {
          accountId: 'account-alice',
          extension: { issue: { id: '10001', key: 'SHOP-1' }, project: { key: 'SHOP' } },
        };
      }
      if (call.cmd === 'fetchProduct') return productAnswer(404, { errorMessages: ['none'] });
      if (call.cmd === 'invoke')
        return remoteAnswer(200, { status: 'connected', issueTests: issueTestsFixture() });
      return undefined;
    });
    await import('./panel.tsx');
    await settle();
    const doc = lastDoc(bridgeHost.calls());
    const types = new Set(flatten(doc).map((node) => node.type));
    for (const type of [
      'Lozenge',
      'Select',
      'Label',
      'DynamicTable',
      'Row',
      'Cell',
      'Button',
      'Link',
    ]) {
      expect(types).toContain(type);
    }
    const lozenges = flatten(doc)
      .filter((node) => node.type === 'Lozenge')
      .map(textIn);
    expect(lozenges.slice(0, 2)).toEqual(['NOK', 'Flaky']);
    expect(bridgeHost.remoteCalls()).toHaveLength(1);
  });

  it('the admin entry sends the host the not-connected message', async () => {
    bridgeHost.reset((call) =>
      call.cmd === 'invoke'
        ? remoteAnswer(200, {
            status: 'not_connected',
            cloudId: 'b1e0a7a2-5b6f-4a3c-9d4e-0f1e2d3c4b5a',
            siteUrl: null,
          })
        : undefined,
    );
    await import('./admin.tsx');
    await settle();
    const doc = lastDoc(bridgeHost.calls());
    const message = flatten(doc).find((node) => node.type === 'SectionMessage');
    expect(message?.props?.title).toBe('This site is not connected to Testbridge');
    expect(textIn(doc)).toContain('How to connect');
  });
});

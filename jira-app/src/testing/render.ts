/** Renders UI Kit screens headless (react-test-renderer) and reads what a user would see. */
import { createElement, type FunctionComponent } from 'react';
import TestRenderer, { act, type ReactTestInstance } from 'react-test-renderer';

/** Lets every pending answer and effect run (no timers: a fixed number of turns). */
export async function settle(): Promise<void> {
  for (let turn = 0; turn < 10; turn++) {
    await act(() => new Promise<void>((resolve) => setImmediate(resolve)));
  }
}

export async function render(component: FunctionComponent) {
  let renderer: TestRenderer.ReactTestRenderer | undefined;
  await act(() => {
    renderer = TestRenderer.create(createElement(component));
  });
  await settle();
  if (!renderer) throw new Error('nothing rendered');
  const root = renderer.root;
  return {
    root,
    /** Every text on screen, joined by single spaces. */
    text: () => textOf(root),
    /** Host elements of a UI Kit type (`Lozenge`, `Button`, `SectionMessage`…). */
    all: (type: string) => root.findAll((node) => node.type === type),
    /** The texts of the host elements of a type. */
    textsOf: (type: string) => root.findAll((node) => node.type === type).map(textOf),
    button: (label: string) => {
      const found = root
        .findAll((node) => node.type === ('Button' as string))
        .find((node) => textOf(node) === label);
      if (!found) throw new Error(`no button "${label}" in: ${textOf(root)}`);
      return found;
    },
    unmount: () => act(() => renderer?.unmount()),
  };
}

export function textOf(node: ReactTestInstance | string): string {
  if (typeof node === 'string') return node;
  // Text split across JSX expressions stays one run of text; elements are separated by spaces.
  const own = typeof node.props.title === 'string' ? `${node.props.title} ` : '';
  const inner = node.children
    .map((child) => (typeof child === 'string' ? child : ` ${textOf(child)} `))
    .join('');
  return `${own}${inner}`.replace(/\s+/g, ' ').trim();
}

/** Does what a user does (a click, a choice) and lets the consequences settle. */
export async function interact(action: () => unknown): Promise<void> {
  await act(async () => {
    await action();
  });
  await settle();
}

export const click = (node: ReactTestInstance) =>
  interact(() => (node.props.onClick as () => unknown)());

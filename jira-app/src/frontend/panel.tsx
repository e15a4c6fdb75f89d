/** Entry of the `panel` resource (jira:issuePanel "Tests"). */
import ForgeReconciler from '@forge/react';
import { StrictMode } from 'react';
import { TestsPanel } from './tests-panel.tsx';

ForgeReconciler.render(
  <StrictMode>
    <TestsPanel />
  </StrictMode>,
);

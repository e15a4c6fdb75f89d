/** Entry of the `panel` resource (jira:issuePanel "Tests"). */
import ForgeReconciler from '@forge/react';
import { TestsPanel } from './tests-panel.tsx';

// No StrictMode: its doubled effects would call the backend twice per render in development.
ForgeReconciler.render(<TestsPanel />);

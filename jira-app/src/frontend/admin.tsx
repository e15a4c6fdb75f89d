/** Entry of the `admin` resource (jira:adminPage "Testbridge"). */
import ForgeReconciler from '@forge/react';
import { AdminPage } from './admin-page.tsx';

// No StrictMode: its doubled effects would call the backend twice per render in development.
ForgeReconciler.render(<AdminPage />);

/** Entry of the `admin` resource (jira:adminPage "Testbridge"). */
import ForgeReconciler from '@forge/react';
import { StrictMode } from 'react';
import { AdminPage } from './admin-page.tsx';

ForgeReconciler.render(
  <StrictMode>
    <AdminPage />
  </StrictMode>,
);

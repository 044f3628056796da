import React from 'react';
import { Route, Routes } from 'react-router-dom';
import { AppRootProps } from '@grafana/data';
import { ROUTES } from '../../constants';
import PageOne from '../../pages/PageOne';
import PageTwo from '../../pages/PageTwo';
import PageThree from '../../pages/PageThree';
import PageFour from '../../pages/PageFour';

// The whole App is already loaded lazily by module.tsx, so the pages are imported directly here.
// Grafana mounts this component below `/a/<plugin id>/`, so the route paths are relative to that.
function App(_props: AppRootProps) {
  return (
    <Routes>
      <Route path={ROUTES.Two} element={<PageTwo />} />
      <Route path={`${ROUTES.Three}/:id?`} element={<PageThree />} />

      {/* A full-width page without the side navigation */}
      <Route path={ROUTES.Four} element={<PageFour />} />

      {/* Anything else, including the app root, shows the default page */}
      <Route path="*" element={<PageOne />} />
    </Routes>
  );
}

export default App;

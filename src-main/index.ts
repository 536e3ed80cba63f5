import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { app, ipcMain } from 'electron';
import { createDispatcher } from '../src-shared/contract/dispatch.ts';
import { registerIpcHost, type IpcMainLike } from './host/registerIpcHost.ts';
import { createMainWindow } from './platform/createMainWindow.ts';
import { registerFolderDialog } from './platform/registerFolderDialog.ts';
import { createServices } from './services/createServices.ts';

/** Electron composition root: build the services, serve them over IPC, open the window. */
const outDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const home = process.env.KWS_STUDIO_HOME ?? app.getPath('userData');

app.enableSandbox();
void app.whenReady().then(async () => {
  const studio = createServices({ home });
  studio.resumeSweepsOnOpen();
  // The window loads only this file (createMainWindow); an iframe or a page navigated elsewhere is not the studio.
  const studioPage = pathToFileURL(path.join(outDir, 'renderer', 'index.html')).href;
  registerIpcHost(ipcMain as unknown as IpcMainLike, createDispatcher(studio.services), {
    isStudioPage: (url) => url === studioPage,
  });
  registerFolderDialog();
  const startProject = process.env.KWS_STUDIO_PROJECT;
  if (startProject) await studio.services.project.open({ path: startProject }).catch(() => undefined);
  createMainWindow(outDir);
  app.on('window-all-closed', () => {
    studio.dispose();
    app.quit();
  });
});

import { BrowserWindow, dialog, ipcMain } from 'electron';

/** The system's folder dialog for the import panel; resolves to the chosen path, or null when cancelled. */
export function registerFolderDialog(): void {
  ipcMain.handle('kws:chooseFolder', async (event) => {
    const window = BrowserWindow.fromWebContents(event.sender);
    const options = { title: 'Import recordings from a folder', properties: ['openDirectory' as const] };
    const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
    return result.canceled ? null : (result.filePaths[0] ?? null);
  });
}

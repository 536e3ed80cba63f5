import { BrowserWindow, dialog, ipcMain, type OpenDialogOptions, type WebContents } from 'electron';

/**
 * The system's folder dialogs: one to import recordings from, one to export a model bundle into
 * (which may create the folder). Each resolves to the chosen path, or null when cancelled.
 */
export function registerFolderDialog(): void {
  const choose = async (sender: WebContents, options: OpenDialogOptions) => {
    const window = BrowserWindow.fromWebContents(sender);
    const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
    return result.canceled ? null : (result.filePaths[0] ?? null);
  };
  ipcMain.handle('kws:chooseFolder', (event) =>
    choose(event.sender, { title: 'Import recordings from a folder', properties: ['openDirectory'] }),
  );
  ipcMain.handle('kws:chooseSaveFolder', (event) =>
    choose(event.sender, {
      title: 'Export the model into a folder',
      buttonLabel: 'Export here',
      properties: ['openDirectory', 'createDirectory', 'promptToCreate'],
    }),
  );
}

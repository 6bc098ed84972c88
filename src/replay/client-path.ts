/** Where the built browser client is: `dist/client/warckit-transclusions.js` in the package. */
import { fileURLToPath } from 'node:url';

export const CLIENT_FILE_NAME = 'warckit-transclusions.js';

/** Absolute path of the browser client script shipped with the package. */
export function clientScriptPath(): string {
  return fileURLToPath(new URL(`../../client/${CLIENT_FILE_NAME}`, import.meta.url));
}

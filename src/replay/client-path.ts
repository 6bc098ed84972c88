/** Where the built browser client is: `dist/client/warckit-transclusions.js` in the package. */
import { packagePath } from '../package-path.js';

export const CLIENT_FILE_NAME = 'warckit-transclusions.js';

/** Absolute path of the browser client script shipped with the package. */
export function clientScriptPath(): string {
  return packagePath('dist', 'client', CLIENT_FILE_NAME);
}

import { packageInfo } from '../core/package-info.ts';

/**
 * The package's version (the CLI prints it and the background server records it), read from the
 * package.json above the sources or above the compiled dist/.
 */
export const version = packageInfo().version;

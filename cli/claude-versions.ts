/**
 * The Claude Code releases the e2e suite (test/e2e) proves ccproxy with, newest first:
 * `test/e2e/install.ts` installs each, and `ccproxy doctor` checks the installed one against them.
 * To prove a new release, add it here and run `npm run test:e2e`.
 */
export const testedClaudeVersions: readonly string[] = ['2.1.332', '2.1.330', '2.1.250', '2.1.197'];

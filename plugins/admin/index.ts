import { checkOptions, Options, Type, type Plugin, type Static } from '../../core/index.ts';
import { adminGuard } from './guard.ts';

/** `admin()` options. */
export const AdminOptions = Options({
  /**
   * Keys that open the admin API and UI (`x-api-key` or `Authorization: Bearer`), besides
   * `CCPROXY_ADMIN_KEY`. Undefined and empty entries are ignored. None at all: loopback only.
   * Client keys (`auth`) are never admin keys.
   */
  // `undefined` entries (an unset variable) are dropped before the check: JSON has no undefined.
  keys: Type.Optional(
    Type.Array(Type.Unsafe<string | undefined>(Type.Union([Type.String(), Type.Null()]))),
  ),
});
export type AdminOptions = Static<typeof AdminOptions>;

/**
 * The admin API's keys (DESIGN §8.4). The routes themselves come with the plugins that own them
 * (usage, live control, metrics, UI), each behind the same guard.
 * @example admin({ keys: [process.env.CCPROXY_ADMIN_KEY] })
 */
export function admin(options: AdminOptions = {}): Plugin {
  const keys = (options.keys ?? []).filter((k) => k !== undefined);
  checkOptions('admin', AdminOptions, { ...options, keys });
  return {
    name: 'admin',
    enforce: 'pre',
    setup(app) {
      adminGuard(app).addKeys(keys);
    },
  };
}

export { adminGuard, type AdminGuard } from './guard.ts';

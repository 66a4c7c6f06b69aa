import { checkOptions, type Plugin } from '../../core/index.ts';
import { adminGuard } from './guard.ts';

export interface AdminOptions {
  /**
   * Keys that open the admin API and UI (`x-api-key` or `Authorization: Bearer`), besides
   * `CCPROXY_ADMIN_KEY`. Undefined and empty entries are ignored. None at all: loopback only.
   * Client keys (`auth`) are never admin keys.
   */
  keys?: (string | undefined)[];
}

const schema = {
  type: 'object',
  additionalProperties: false,
  properties: { keys: { type: 'array', items: { type: ['string', 'null'] } } },
};

/**
 * The admin API's keys (DESIGN §8.4). The routes themselves come with the plugins that own them
 * (usage, live control, metrics, UI), each behind the same guard.
 * @example admin({ keys: [process.env.CCPROXY_ADMIN_KEY] })
 */
export function admin(options: AdminOptions = {}): Plugin {
  const keys = (options.keys ?? []).filter((k) => k !== undefined);
  checkOptions('admin', schema, { ...options, keys });
  return {
    name: 'admin',
    enforce: 'pre',
    setup(app) {
      adminGuard(app).addKeys(keys);
    },
  };
}

export { adminGuard, type AdminGuard } from './guard.ts';

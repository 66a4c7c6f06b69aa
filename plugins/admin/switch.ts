import { ProxyError, type ProxyApp } from '../../core/index.ts';
import { parseSwitchChange, type TierSwitch } from '../model-map/switch.ts';
import type { AdminGuard } from './guard.ts';

/**
 * `GET /api/switch` (the live tier targets, the config's, and per-session switches) and
 * `PUT /api/switch` (any subset of `big`, `middle`, `small`; `session` scopes it; `null` goes back
 * to the layer below). A bad body changes nothing and gets a 400 naming the field.
 */
export function switchRoutes(app: ProxyApp, guard: AdminGuard): void {
  app.http.get('/api/switch', guard.read, async (http) => {
    const live = tierSwitch(app);
    await live.load();
    http.body = live.view();
  });
  app.http.put('/api/switch', guard.write, app.readBody, async (http) => {
    const live = tierSwitch(app);
    const change = parseSwitchChange(http.request.body, app);
    http.body = await live.apply(change);
  });
}

function tierSwitch(app: ProxyApp): TierSwitch {
  const live = app.service('switch');
  if (!live)
    throw new ProxyError(
      'not_found_error',
      404,
      'No tier switch: the config has no modelMap() plugin whose tiers could be switched',
    );
  return live;
}

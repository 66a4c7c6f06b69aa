import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { banner } from '../../../cli/banner.ts';
import { cockpit, modelMap, openai } from '../../../plugins/index.ts';
import { builtUi } from '../../helpers/browser.ts';
import { startTestProxy, type TestProxy } from '../../helpers/proxy.ts';
import { replyJson, scriptedUpstream, type ScriptedUpstream } from '../../helpers/upstream.ts';

export const ADMIN_KEY = 'ui-test-admin-key-0123456789';
/** Every answer's usage, so the figures the UI shows can be worked out. */
export const USAGE = { prompt_tokens: 1000, completion_tokens: 200 };
/** USD per million tokens of the scripted models (the config's `pricing`). */
export const PRICE = { input: 3, output: 15 };
export const COST_PER_REQUEST = (1000 * PRICE.input + 200 * PRICE.output) / 1e6;

const lastUserText = (body: any): string => {
  const content = body.messages.at(-1)?.content;
  return typeof content === 'string' ? content : JSON.stringify(content);
};

export interface UiFixture extends TestProxy {
  upstream: ScriptedUpstream;
  /** The start banner's one-time login URL. */
  loginUrl: string;
  /** Writes queued rows now, so that what was asked is what the API answers. */
  flush(): Promise<void>;
}

/**
 * ccproxy as `npx ccproxy` runs it with an admin key: the cockpit (SQLite in a scratch folder),
 * the UI built from the current sources, one OpenAI-compatible provider scripted on 127.0.0.1
 * whose answer repeats the prompt (`answer: <prompt>`).
 */
export async function uiFixture(t: TestContext): Promise<UiFixture> {
  const home = mkdtempSync(join(tmpdir(), 'ccproxy-ui-home-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  const upstream = await scriptedUpstream(t, (req, res) => {
    if (req.url.endsWith('/models')) {
      return replyJson(res, 200, { object: 'list', data: [{ id: 'model-a' }, { id: 'model-b' }] });
    }
    replyJson(res, 200, {
      id: `chatcmpl-${upstreamCount++}`,
      object: 'chat.completion',
      model: req.body.model,
      choices: [
        {
          index: 0,
          finish_reason: 'stop',
          message: { role: 'assistant', content: `answer: ${lastUserText(req.body)}` },
        },
      ],
      usage: { ...USAGE, total_tokens: USAGE.prompt_tokens + USAGE.completion_tokens },
    });
  });
  let upstreamCount = 0;
  const ui = await builtUi();
  const config = {
    storage: `sqlite:${join(home, 'ccproxy.db')}`,
    pricing: { 'up,model-a': PRICE, 'up,model-b': PRICE },
  };
  // A fresh set for each load: a reload builds new plugins, as loading the file again does.
  const plugins = () => [
    cockpit({ ui: { dir: ui } }),
    openai({
      name: 'up',
      baseUrl: `${upstream.url}/v1`,
      apiKey: 'upstream-key',
      models: ['model-a', 'model-b'],
    }),
    modelMap({ big: 'up,model-a', middle: 'up,model-a', small: 'up,model-a' }),
  ];
  const proxy = await startTestProxy(t, {
    env: { CCPROXY_ADMIN_KEY: ADMIN_KEY, CCPROXY_HOME: home },
    config,
    plugins: plugins(),
    reloadWith: plugins,
  });
  const loginUrl = /(http:\/\/\S+\/ui\/\S*)/.exec(banner(proxy.running, 'test'))?.[1];
  if (!loginUrl) throw new Error('the start banner prints no UI URL');
  return {
    ...proxy,
    upstream,
    loginUrl,
    flush: () => proxy.running.runtime.service('storage')!.flush(),
  };
}

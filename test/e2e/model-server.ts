import type { TestContext } from 'node:test';
import {
  scriptedUpstream,
  type RecordedRequest,
  type ScriptedUpstream,
} from '../helpers/upstream.ts';
import type { RequestView, Turn } from './model.ts';
import type { WireFormat } from './wire/format.ts';

/** The scripted model's behaviour: one answer per generation request. */
export type Script = (view: RequestView) => Turn;

/** A scripted model behind one wire format; `views` holds every generation request, decoded. */
export interface ModelServer extends ScriptedUpstream {
  views: RequestView[];
  /** Starts a new conversation: forgets what was received and follows `script` from now on. */
  reset(script: Script): void;
}

/**
 * Starts an upstream that answers each generation request with the current script, in `wire`'s
 * real format, and the other routes (count_tokens, models) with plausible fixed answers.
 */
export async function startModelServer(
  t: TestContext | null,
  wire: WireFormat,
): Promise<ModelServer> {
  const views: RequestView[] = [];
  let script: Script = () => ({ text: 'No script.' });
  const upstream = await scriptedUpstream(t, async (req: RecordedRequest, res) => {
    if (!wire.isGeneration(req)) return wire.other(req, res);
    const view = wire.view(req.body, req);
    views.push(view);
    await wire.reply(res, script(view), view, req.body, req);
  });
  const reset = (next: Script) => {
    script = next;
    views.length = 0;
    upstream.requests.length = 0;
  };
  return Object.assign(upstream, { views, reset });
}

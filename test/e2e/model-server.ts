import type { TestContext } from 'node:test';
import { scriptedUpstream, type RecordedRequest, type ScriptedUpstream } from '../helpers/upstream.ts';
import type { RequestView, Turn } from './model.ts';
import type { WireFormat } from './wire/format.ts';

/** A scripted model behind one wire format; `views` holds every generation request, decoded. */
export interface ModelServer extends ScriptedUpstream {
  views: RequestView[];
}

/**
 * Starts an upstream that answers each generation request with `answer(view)`, in `wire`'s real
 * format, and the other routes (count_tokens, models) with plausible fixed answers.
 */
export async function startModelServer(
  t: TestContext,
  wire: WireFormat,
  answer: (view: RequestView) => Turn,
): Promise<ModelServer> {
  const views: RequestView[] = [];
  const upstream = await scriptedUpstream(t, async (req: RecordedRequest, res) => {
    if (!wire.isGeneration(req)) return wire.other(req, res);
    const view = wire.view(req.body, req);
    views.push(view);
    await wire.reply(res, answer(view), view, req.body, req);
  });
  return Object.assign(upstream, { views });
}

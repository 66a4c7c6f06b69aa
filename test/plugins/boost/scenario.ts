import type { UpstreamHandler } from '../../helpers/upstream.ts';
import { answers, callsTool, plannerSays } from './helpers.ts';

/** What the scenario's Bash call prints; the final answer quotes it. */
export const MARKER = 'boost-e2e-ok';

/**
 * The planner of a one-tool loop, usable with the real Claude Code CLI: until the prompt shows the
 * Bash result, it guides the executor to run `echo boost-e2e-ok`; once it does, it answers
 * (SUMMARY) with what the command printed.
 */
export const toolLoopPlanner: UpstreamHandler = (req, res, http) => {
  const prompt = (req.body as { messages: { content: string }[] }).messages[0]!.content;
  const done = new RegExp(`^- result: .*${MARKER}`, 'm').test(prompt);
  const reply = done
    ? `SUMMARY:\nThe command ran and printed ${MARKER}.`
    : `ANALYSIS:\nThe user wants the marker command run.\n\nGUIDANCE:\nCall the Bash tool with command "echo ${MARKER}".`;
  return plannerSays(reply)(req, res, http);
};

/**
 * The executor (an OpenAI-compatible upstream) of that loop: a guided request (its system prompt
 * carries GUIDANCE) gets the Bash call; anything else (Claude Code's side requests: titles,
 * summaries) gets a short text.
 */
export const toolLoopExecutor: UpstreamHandler = (req, res, http) => {
  const system = (req.body as { messages: { role: string; content: unknown }[] }).messages[0];
  const guided = system?.role === 'system' && String(system.content).includes('GUIDANCE:');
  const handler = guided ? callsTool('Bash', { command: `echo ${MARKER}`, description: 'Print the marker' }) : answers('ok');
  return handler(req, res, http);
};

import { createServer, type ServerResponse } from 'node:http';
import { Agent } from 'undici';

/**
 * The node floor: the least a Node proxy in this field does per request, as a reference for the
 * budget. node:http in, the body parsed and serialised once, one undici call out through a raw
 * dispatch handler (no response stream object), the answer parsed and a Message written back; a
 * stream is piped through unconverted. No routing, no conversion, no checks: not a proxy anyone
 * could use, only the cost of the parts every one of them is made of.
 *
 * Run as `node --import tsx bench/floor.ts` with PORT and OPENAI_BASE_URL set.
 */
const upstream = new URL(`${process.env.OPENAI_BASE_URL}/chat/completions`);
const agent = new Agent({ keepAliveTimeout: 60_000 });

interface OpenAiAnswer {
  choices: { message: { content: string } }[];
  usage: { prompt_tokens: number; completion_tokens: number };
}

function forward(body: string, res: ServerResponse, stream: boolean): void {
  const chunks: Buffer[] = [];
  let status = 0;
  agent.dispatch(
    {
      origin: upstream.origin,
      path: upstream.pathname,
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench' },
      body,
    },
    {
      // undici tells its handler styles apart by this method: present, the controller API is used.
      onRequestStart() {},
      onResponseStart(_controller, statusCode) {
        status = statusCode;
        if (stream && status === 200) res.writeHead(200, { 'content-type': 'text/event-stream' });
      },
      onResponseData(_controller, chunk) {
        if (stream && status === 200) res.write(chunk);
        else chunks.push(chunk);
      },
      onResponseEnd() {
        if (stream && status === 200) return void res.end();
        const text = Buffer.concat(chunks).toString();
        if (status !== 200) return void res.writeHead(status).end(text);
        const answer = JSON.parse(text) as OpenAiAnswer;
        const message = JSON.stringify({
          id: 'msg_floor',
          type: 'message',
          role: 'assistant',
          model: 'floor',
          content: [{ type: 'text', text: answer.choices[0]!.message.content }],
          stop_reason: 'end_turn',
          stop_sequence: null,
          usage: {
            input_tokens: answer.usage.prompt_tokens,
            output_tokens: answer.usage.completion_tokens,
          },
        });
        res.writeHead(200, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(message),
        });
        res.end(message);
      },
      onResponseError(_controller, error) {
        res.writeHead(502).end(String(error));
      },
    },
  );
}

createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString()) as { stream?: boolean };
    forward(JSON.stringify({ ...body, model: 'bench-model' }), res, body.stream === true);
  });
}).listen(Number(process.env.PORT), '127.0.0.1');
// An exit rather than a kill, so that `--cpu-prof` writes its profile.
process.once('SIGTERM', () => process.exit(0));

// The start-up floor for `npm run bench:start`: what any Node server holding a SQLite file costs
// to start on this machine. node:http and better-sqlite3 alone (WAL, one table, a row written per
// request), answering /v1/messages with a fixed Message; no config, no plugin, no upstream call.
import { createServer } from 'node:http';
import process from 'node:process';
import { join } from 'node:path';
import Database from 'better-sqlite3';

const db = new Database(join(process.env.HOME ?? '.', 'floor.db'));
db.pragma('journal_mode = WAL');
db.exec('create table if not exists requests (id integer primary key, body text)');
const insert = db.prepare('insert into requests (body) values (?)');
const answer = JSON.stringify({
  id: 'msg_floor',
  type: 'message',
  role: 'assistant',
  model: 'bench-model',
  content: [{ type: 'text', text: 'hi' }],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 1, output_tokens: 1 },
});
createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    insert.run(JSON.stringify(JSON.parse(body).model));
    res.writeHead(200, { 'content-type': 'application/json' }).end(answer);
  });
}).listen(Number(process.env.PORT), '127.0.0.1');

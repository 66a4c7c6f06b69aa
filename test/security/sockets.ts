import { once } from 'node:events';
import { connect, type Socket } from 'node:net';

/** A raw TCP connection to the proxy at `url` (`http://127.0.0.1:PORT`), connected. */
export async function rawSocket(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  socket.on('error', () => {}); // a reset from the server is what some tests expect
  socket.resume(); // read whatever comes, so an answer does not hold the socket open
  await once(socket, 'connect');
  return socket;
}

/** Resolves when the server has closed `socket` (it sends FIN or resets it). */
export function closedByServer(socket: Socket): Promise<void> {
  if (socket.destroyed || socket.readableEnded) return Promise.resolve();
  return new Promise((resolve) => {
    socket.once('end', resolve);
    socket.once('close', resolve);
  });
}

/** Every text byte the socket receives until it closes. */
export function received(socket: Socket): Promise<string> {
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
  return closedByServer(socket).then(() => text);
}

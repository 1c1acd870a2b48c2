// A TCP proxy that counts every byte the server sends to the browser, for scripts/bench-pwa. It runs in
// its own process (forked by pwa-timing.mjs) so that piping does not compete with the browser driver's
// event loop. The browser speaks HTTP/1.1 to it (plain http on loopback: no HTTP/2, and Chromium does
// not pipeline), so the bytes that come back on a connection after a request was sent and before the
// next one belong to that request: each request line read from the client is the owner of what follows.
// Request bodies are skipped by their Content-Length (chunked request bodies are not expected here).
//
// IPC: {cmd: 'reset'} clears the counts; {cmd: 'stats'} answers {total, idleMs, resources: [{method,
// path, count, bytes}]}. On start it sends {port}.
import { connect, createServer } from 'node:net';

const [targetHost, targetPort] = process.argv[2].split(':');
let total = 0;
let resources = new Map(); // "METHOD path" → {method, path, count, bytes}
let last = Date.now();

function resource(method, path) {
  const key = `${method} ${path}`;
  let r = resources.get(key);
  if (!r) resources.set(key, (r = { method, path, count: 0, bytes: 0 }));
  return r;
}

const server = createServer((client) => {
  const upstream = connect(Number(targetPort), targetHost);
  let owner = null;     // the resource the server's bytes go to
  let head = '';        // a request's header bytes read so far (latin1)
  let bodyLeft = 0;     // request body bytes still to skip
  client.on('data', (chunk) => {
    last = Date.now();
    upstream.write(chunk);
    let s = chunk.toString('latin1');
    while (s.length) {
      if (bodyLeft > 0) {
        const n = Math.min(bodyLeft, s.length);
        bodyLeft -= n;
        s = s.slice(n);
        continue;
      }
      head += s;
      s = '';
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) break;
      const [line, ...fields] = head.slice(0, end).split('\r\n');
      const [method, path] = line.split(' ');
      owner = resource(method, path);
      owner.count++;
      const cl = fields.find((f) => /^content-length:/i.test(f));
      bodyLeft = cl ? Number(cl.split(':')[1].trim()) : 0;
      s = head.slice(end + 4);
      head = '';
    }
  });
  upstream.on('data', (chunk) => {
    last = Date.now();
    total += chunk.length;
    (owner || resource('?', '(before any request)')).bytes += chunk.length;
    client.write(chunk);
  });
  const end = () => { client.destroy(); upstream.destroy(); };
  client.on('error', end); upstream.on('error', end);
  client.on('close', end); upstream.on('close', end);
});

server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('message', (m) => {
  if (m.cmd === 'reset') { total = 0; resources = new Map(); last = Date.now(); process.send({ ok: true }); }
  if (m.cmd === 'stats') process.send({ total, idleMs: Date.now() - last, resources: [...resources.values()] });
});
process.on('disconnect', () => process.exit(0));

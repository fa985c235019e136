// The floor the gateway is measured against: the least a Node proxy can do on this machine. node:http in, one
// undici Pool out, every request forwarded to one upstream origin as it came (method, path, headers, body) and the
// answer streamed back as it comes. No parsing, no routing, no trace. Usage: node bare-forwarder.mjs <upstream-origin>
// Prints `listening <port>` once it accepts connections.
import { createServer } from 'node:http';
import { Pool } from 'undici';

const upstream = process.argv[2];
if (!upstream) {
  process.stderr.write('usage: node bare-forwarder.mjs <upstream-origin>\n');
  process.exit(2);
}
const pool = new Pool(upstream, { connections: 256, pipelining: 1 });
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host']);

const server = createServer((req, res) => {
  const headers = {};
  for (const [name, value] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(name)) headers[name] = value;
  pool.request({ method: req.method, path: req.url, headers, body: req }).then(
    (answer) => {
      const out = {};
      for (const [name, value] of Object.entries(answer.headers)) if (!HOP_BY_HOP.has(name)) out[name] = value;
      res.writeHead(answer.statusCode, out);
      answer.body.pipe(res);
    },
    (error) => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(String(error?.message ?? error));
    },
  );
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));

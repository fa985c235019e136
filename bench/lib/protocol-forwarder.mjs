// The floor plus the protocol work no gateway can skip: the bare forwarder's node:http in and undici out, and in
// between what a non-streaming POST /v1/responses needs from the gateway's own Codex library (dist/libs/codex): the
// client's JSON parsed, normalised for the Codex backend (§2.2) and written from the client's text, the SSE answer
// parsed and folded, and the Responses object written back. No account choice, token, trace, stats or metrics: the
// gap between this and the gateway is what those cost. Usage:
//   node protocol-forwarder.mjs <upstream-origin> <upstream-path> <upstream-headers-json>
// (the path and headers of the direct request, so it calls the emulator as one account). Prints `listening <port>`.
import { Buffer } from 'node:buffer';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { Pool } from 'undici';

const require = createRequire(import.meta.url);
const codex = require('../../dist/libs/codex/src/index.js');

const [upstream, path, headersJson] = process.argv.slice(2);
if (!upstream || !path || !headersJson) {
  process.stderr.write('usage: node protocol-forwarder.mjs <upstream-origin> <upstream-path> <headers-json>\n');
  process.exit(2);
}
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'content-length']);
const headers = Object.fromEntries(Object.entries(JSON.parse(headersJson)).filter(([name]) => !HOP_BY_HOP.has(name)));
const pool = new Pool(upstream, { connections: 256, pipelining: 1 });

function fail(res, status, message) {
  if (res.headersSent) return res.destroy();
  res.writeHead(status, { 'content-type': 'text/plain' });
  res.end(message);
}

async function answer(text, res) {
  const body = JSON.parse(text);
  const normalized = codex.normalizeResponsesRequest(body, { native: true });
  const payload = codex.stringifyWithSource(normalized.body, new codex.SourceText(text, body));
  const upstreamAnswer = await pool.request({ method: 'POST', path, headers, body: payload });
  if (upstreamAnswer.statusCode !== 200) return fail(res, 502, `upstream ${upstreamAnswer.statusCode}`);
  const accumulator = new codex.ResponseAccumulator();
  const parser = new codex.SseParser({ onEvent: (event) => accumulator.push(event) });
  for await (const chunk of upstreamAnswer.body) parser.feed(chunk);
  parser.end();
  const json = accumulator.toResponseJson();
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const text = (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)).toString('utf8');
    answer(text, res).catch((error) => fail(res, 502, String(error?.message ?? error)));
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));

// The floor: what a proxy that does nothing costs on this machine (bare-forwarder.mjs: node:http in, undici out).
// Measured in the same run, with the same requests, the same load generator and the same emulator as the gateway,
// so each of the gateway's figures can be read beside the least any Node proxy adds here.
import { cpuPerRequest } from './cpu.mjs';
import { latencyPair, target, throughput } from './load.mjs';
import { firstLine, startNode, stop } from './processes.mjs';
import { ttfbPair } from './streaming.mjs';

async function startForwarder(label, script, args) {
  const handle = startNode(label, script, args);
  const line = await firstLine(handle);
  const port = /^listening (\d+)$/.exec(line)?.[1];
  if (!port) throw new Error(`${label}: unexpected first line ${line}`);
  return { handle, origin: `http://127.0.0.1:${port}` };
}

/**
 * The floor plus the protocol work (protocol-forwarder.mjs): CPU per request of the gateway's own client request,
 * c=8, answered by the emulator as the account of the direct request. What the gateway costs beyond this is its
 * account choice, tokens, traces, stats and the rest of its request machinery.
 */
async function protocolCpu(env, plain, plan, emulatorPid) {
  const { path, headers } = plain.direct;
  const forwarder = await startForwarder('protocol-forwarder', 'bench/lib/protocol-forwarder.mjs', [
    env.emulator.url,
    path,
    JSON.stringify(headers),
  ]);
  try {
    const client = target(forwarder.origin, plain.proxy.path, {}, plain.proxy.body);
    return await cpuPerRequest(client, { ...plan.cpu, pid: forwarder.handle.pid, upstreamPid: emulatorPid });
  } finally {
    await stop(forwarder.handle);
  }
}

/** The direct request, sent through the forwarder instead (same path, headers and body). */
function viaForwarder(origin, direct) {
  return target(origin, direct.path, direct.headers, direct.body);
}

/**
 * Per body: the forwarder's CPU per request (c=8, like the gateway's), added latency at c=1, throughput share at
 * c=32 and added streaming TTFB, each against the emulator answering directly.
 */
export async function floor(env, bodies, plan, log) {
  const forwarder = await startForwarder('bare-forwarder', 'bench/lib/bare-forwarder.mjs', [env.emulator.url]);
  const out = [];
  try {
    for (const { body } of bodies) {
      log(`floor (bare forwarder) /v1/responses ${body}`);
      const plain = env.pairs[`plain /v1/responses ${body}`];
      const stream = env.pairs[`stream /v1/responses ${body}`];
      const pid = forwarder.handle.pid;
      const emulatorPid = env.emulator.handle.pid;
      const cpu = await cpuPerRequest(viaForwarder(forwarder.origin, plain.direct), {
        ...plan.cpu,
        pid,
        upstreamPid: emulatorPid,
      });
      const c1 = await latencyPair({
        proxy: viaForwarder(forwarder.origin, plain.direct),
        direct: plain.direct,
        ...plan.c1,
      });
      const load = { connections: 32, warmupSec: plan.load.warmupSec, measureSec: plan.load.measureSec };
      const direct = await throughput(plain.direct, { ...load, pid: emulatorPid });
      const forwarded = await throughput(viaForwarder(forwarder.origin, plain.direct), { ...load, pid });
      const ttfb = await ttfbPair({
        proxy: viaForwarder(forwarder.origin, stream.direct),
        direct: stream.direct,
        ...plan.ttfb,
      });
      const protocol = await protocolCpu(env, plain, plan, emulatorPid);
      out.push({ route: '/v1/responses', body, cpu, protocol, c1, c32: { proxy: forwarded, direct }, ttfb });
    }
  } finally {
    await stop(forwarder.handle);
  }
  return out;
}

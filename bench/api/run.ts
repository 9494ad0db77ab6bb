// pnpm bench: Tangram's API against a hand-written fastify + pg server, same machine, same data,
// alternating, loopback only, bounded in time. Writes bench/results/latest.json.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { type Kysely, sql } from 'kysely';
import { Engine } from '../../packages/engine/src/index';
import { benchUrl, dealApp, rows, setupBench } from './setup';

const duration = Number(process.env.BENCH_SECONDS ?? 8);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const tsx = 'node_modules/tsx/dist/cli.mjs';
/** BENCH_ONLY=get_one,update measures just those (the others keep their figures in latest.json). */
const only = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',')) : undefined;
const wanted = (name: string) => !only || only.has(name);

/**
 * Starts a server. With `logFile`, its stdout (where `tangram serve` writes its pino log) goes to
 * that file, as a service's log goes to a file or journal, and it says 'ready' on stderr.
 */
function start(file: string, port: number, logFile?: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    // BENCH_PROFILE=<dir>: each server writes a CPU profile there when it exits.
    const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
    const child = spawn(process.execPath, [tsx, ...profile, file], {
      env: { ...process.env, PORT: String(port), BENCH_DATABASE_URL: benchUrl },
      stdio: ['ignore', logFile ? openSync(logFile, 'w') : 'pipe', 'pipe'],
    });
    const signal = logFile ? child.stderr : child.stdout;
    signal?.on('data', (d: Buffer) => d.toString().includes('ready') && resolve(child));
    if (!logFile) child.stderr?.pipe(process.stderr);
    child.on('exit', (code) => reject(new Error(`${file} exited with ${code}`)));
  });
}

interface Scenario {
  name: string;
  tangram: autocannon.Request[] | ((i: number) => autocannon.Request);
  raw: autocannon.Request[] | ((i: number) => autocannon.Request);
}

async function load(url: string, make: Scenario['tangram'], headers: Record<string, string>): Promise<{ rps: number; p99: number; errors: number }> {
  let i = 0;
  const requests: autocannon.Request[] =
    typeof make === 'function' ? [{ setupRequest: (req: autocannon.Request) => ({ ...req, ...make(i++) }) } as autocannon.Request] : make;
  const result = await autocannon({ url, connections, duration, headers: { 'content-type': 'application/json', ...headers }, requests });
  // Only successful responses count: a server answering errors fast must not look fast.
  return { rps: Math.round(result['2xx'] / result.duration), p99: result.latency.p99, errors: result.errors + result.non2xx };
}

/** Automation work not yet done: events not yet dispatched, and jobs queued or running. */
async function pendingRuns(db: Kysely<any>): Promise<number> {
  const r = await sql<{ n: number }>`select (select count(*) from platform.job where queue like 'automations.%' and state in ('queued', 'active'))
    + (select count(*) from tenant_bench._outbox_pending) as n`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}

async function drained(db: Kysely<any>): Promise<void> {
  // A hang guard, not a budget (pnpm bench stays bounded): runs still pending after it are not counted.
  for (let i = 0; i < 480 && (await pendingRuns(db)) > 0; i++) await new Promise((r) => setTimeout(r, 250));
}

/**
 * Automations' cost (issue 14): deal creation with one after-commit automation on created deals
 * (it writes the record again through the pipeline) against the same creation without it, and, at
 * 100 creations a second, how long from a deal's creation until the automation's write committed.
 */
async function automations(base: string, body: (i: number) => string, token: string): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const engine = await Engine.open({ url: benchUrl });
  const tenant = await engine.tenant('bench');
  const create = (i0: number) => {
    let i = i0;
    return () => ({ method: 'POST', path: base, body: body(i++) }) as autocannon.Request;
  };
  try {
    const without = await load('http://127.0.0.1:3101', create(1_000_000), { authorization: `Bearer ${token}` });
    await tenant.schema.publish({
      ...dealApp,
      automations: [
        {
          name: 'bench_touch',
          object: 'deal',
          trigger: { kind: 'record.created' },
          actions: [{ id: 'touch', kind: 'updateRecord', target: { kind: 'self' }, values: [{ field: 'owner_name', value: 'automation' }] }],
        },
      ],
    });
    // The server re-reads the revision within a second.
    await new Promise((r) => setTimeout(r, 2000));
    const withRule = await load('http://127.0.0.1:3101', create(2_000_000), { authorization: `Bearer ${token}` });
    out.automation_write = {
      ratio: Number((withRule.rps / without.rps).toFixed(3)),
      with_rps: withRule.rps,
      without_rps: without.rps,
      with_p99_ms: withRule.p99,
      without_p99_ms: without.p99,
      errors: withRule.errors + without.errors,
    };
    console.log('automation_write', JSON.stringify(out.automation_write));
    // The write scenario leaves a backlog — events not yet dispatched, runs queued: the worker
    // yields to a burst of requests and catches up after. Reported, then dropped: it is not what
    // the latency measures.
    const backlogEvents = await sql`delete from tenant_bench._outbox_pending where consumer = 'automations'`.execute(engine.db);
    const dropped = await sql`update platform.job set state = 'cancelled' where queue like 'automations.%' and state = 'queued'`.execute(engine.db);
    Object.assign(out.automation_write as object, {
      backlog_events: Number(backlogEvents.numAffectedRows ?? 0),
      backlog_runs: Number(dropped.numAffectedRows ?? 0),
    });
    console.log('automation_write backlog', JSON.stringify(out.automation_write));
    await drained(engine.db);
    const since = new Date().toISOString();
    await autocannon({
      url: 'http://127.0.0.1:3101',
      connections: 2,
      overallRate: 100,
      duration: 10,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      requests: [{ setupRequest: (req: autocannon.Request) => ({ ...req, ...create(3_000_000 + Math.floor(Math.random() * 1e6))() }) } as autocannon.Request],
    });
    await drained(engine.db);
    const rows = await sql<{ ms: number }>`
      select extract(epoch from (a.at - r.created_at)) * 1000 as ms from tenant_bench.deal r
      join tenant_bench._audit a on a.record_id = r.id and a.via is not null
      where r.created_at >= ${since}`.execute(engine.db);
    const ms = rows.rows.map((r) => Number(r.ms)).sort((a, b) => a - b);
    const at = (q: number) => Math.round(ms[Math.min(ms.length - 1, Math.floor(q * ms.length))] ?? Number.NaN);
    out.automation_latency = { events: ms.length, rate_per_s: 100, p50_ms: at(0.5), p99_ms: at(0.99), max_ms: Math.round(ms.at(-1) ?? Number.NaN) };
    console.log('automation_latency', JSON.stringify(out.automation_latency));
    // Back to the bench app without the rule.
    await tenant.schema.publish(dealApp);
  } finally {
    await engine.close();
  }
  return out;
}

/** A one-step approval on deals whose approver (the bench admin) edits `amount` with the decision. */
const approvalBpmn = (approver: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:tg="https://tangram.dev/schema/bpmn/1" id="bench_defs" targetNamespace="https://tangram.dev/bench">
  <bpmn:process id="bench_approve" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:userTask id="review" name="审批" tg:approvers="${JSON.stringify([{ kind: 'users', users: [approver] }]).replaceAll('"', '&quot;')}" tg:fields="{&quot;amount&quot;:&quot;edit&quot;}"/>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>`;

/**
 * Approvals' cost (issue 15): approvals completed per second — an approve that writes the
 * record's `amount` in the same transaction, the instance ending — against plain updates of the
 * same field on other deals, same server, same number of requests.
 */
async function approvals(base: string, token: string, ids: string[]): Promise<Record<string, unknown>> {
  const count = Number(process.env.BENCH_APPROVALS ?? 2000);
  const engine = await Engine.open({ url: benchUrl });
  const tenant = await engine.tenant('bench');
  try {
    const me = await sql<{ id: string }>`select id from platform."user" where email = 'bench@tangram.local'`.execute(engine.db);
    const approver = me.rows[0]?.id as string;
    await tenant.schema.publish({ ...dealApp, workflows: [{ name: 'bench_approve', object: 'deal', bpmn: approvalBpmn(approver) }] });
    // The instances to approve, one per deal, submitted ahead (ten at a time); first `warm` of each
    // kind warm the server up, uncounted (measured cold, the first kind run looked slower).
    const warm = Math.min(400, Math.floor(count / 4));
    const submit = async (deals: string[]) => {
      const out: string[] = [];
      for (let i = 0; i < deals.length; i += 10)
        out.push(
          ...(await Promise.all(
            deals.slice(i, i + 10).map(async (id) => (await tenant.workflows.submit('deal', id, { workflow: 'bench_approve' }, { actor: approver })).id),
          )),
        );
      return out;
    };
    const instances = await submit(ids.slice(-2 * count, -count));
    const warmInstances = await submit(ids.slice(-2 * count - warm, -2 * count));
    const warmPlain = ids.slice(-2 * count - 2 * warm, -2 * count - warm);
    // The server re-reads the revision within a second.
    await new Promise((r) => setTimeout(r, 2000));
    const run = async (make: (i: number) => autocannon.Request, amount = count) => {
      let i = 0;
      // Timed here, from the start to the last response: autocannon ends a run of a fixed number
      // of requests on its once-a-second tick and counts whole seconds (4.5 s counts as 5, and a
      // ratio of two such runs moved by 20% from rounding alone).
      const started = performance.now();
      let last = started;
      const result = await autocannon({
        url: 'http://127.0.0.1:3101',
        connections,
        amount,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        requests: [
          {
            setupRequest: (req: autocannon.Request) => ({ ...req, ...make(i++) }),
            onResponse: () => {
              last = performance.now();
            },
          } as autocannon.Request,
        ],
      });
      const seconds = (last - started) / 1000;
      return { ok: result['2xx'], seconds, p99: result.latency.p99, errors: result.errors + result.non2xx };
    };
    type Run = Awaited<ReturnType<typeof run>>;
    const total = (runs: Run[]) => ({
      rps: Math.round(runs.reduce((a, r) => a + r.ok, 0) / runs.reduce((a, r) => a + r.seconds, 0)),
      p99: Math.max(...runs.map((r) => r.p99)),
      errors: runs.reduce((a, r) => a + r.errors, 0),
    });
    const update = (rows: string[]) => (i: number) =>
      ({
        method: 'PATCH',
        path: `${base}/${rows[i % rows.length]}`,
        body: '{"amount":2.5}',
        headers: { 'if-match': '"1"', 'content-type': 'application/json', authorization: `Bearer ${token}` },
      }) as autocannon.Request;
    const approve = (list: string[]) => (i: number) =>
      ({
        method: 'POST',
        path: `/api/v1/t/bench/approvals/${list[i % list.length]}/actions`,
        body: '{"kind":"approve","values":{"amount":2.5}}',
      }) as autocannon.Request;
    await run(update(warmPlain), warm);
    await run(approve(warmInstances), warm);
    // Interleaved in rounds, so that whatever else the machine does (autovacuum after the scenarios
    // before) weighs on both kinds alike.
    const rounds = 4;
    const per = Math.ceil(count / rounds);
    const plain = ids.slice(-count);
    const updateRuns: Run[] = [];
    const approveRuns: Run[] = [];
    for (let r = 0; r < rounds; r++) {
      updateRuns.push(await run(update(plain.slice(r * per, (r + 1) * per)), Math.min(per, count - r * per)));
      approveRuns.push(await run(approve(instances.slice(r * per, (r + 1) * per)), Math.min(per, count - r * per)));
    }
    const [updates, approves] = [total(updateRuns), total(approveRuns)];
    const ended = await sql<{
      n: number;
    }>`select count(*)::int as n from tenant_bench._wf_instance where status = 'approved' and id = any(${instances}::uuid[])`.execute(engine.db);
    const out = {
      ratio: Number((approves.rps / updates.rps).toFixed(3)),
      approve_rps: approves.rps,
      update_rps: updates.rps,
      approve_p99_ms: approves.p99,
      update_p99_ms: updates.p99,
      approved: Number(ended.rows[0]?.n ?? 0),
      errors: approves.errors + updates.errors,
    };
    console.log('approve', JSON.stringify(out));
    await tenant.schema.publish(dealApp);
    return { approve: out };
  } finally {
    await engine.close();
  }
}

async function main(): Promise<void> {
  const t0 = Date.now();
  console.log(`setting up ${rows} rows per side…`);
  const { token, memberToken, tangramIds, rawIds } = await setupBench();
  const serverLog = join(tmpdir(), `tangram-bench-${process.pid}.log`);
  const [tangram, raw] = await Promise.all([start('bench/api/tangram-server.ts', 3101, serverLog), start('bench/api/raw-server.ts', 3102)]);
  const base = '/api/v1/t/bench/objects/deal/records';
  const filter = encodeURIComponent(JSON.stringify({ '==': [{ var: 'stage' }, 's3'] }));
  const body = (i: number) => JSON.stringify({ name: `新客户 ${i}`, amount: (i % 1000) * 10.5, stage: 's2' });
  let tu = 0;
  let ru = 0;
  // Reads first (aggregate included), so both sides read identical 100,000-row tables; writes last.
  const scenarios: Scenario[] = [
    {
      name: 'get_one',
      tangram: (i) => ({ method: 'GET', path: `${base}/${tangramIds[i % tangramIds.length]}` }),
      raw: (i) => ({ method: 'GET', path: `/deals/${rawIds[i % rawIds.length]}` }),
    },
    { name: 'list', tangram: [{ method: 'GET', path: `${base}?filter=${filter}&sort=-amount&limit=50` }], raw: [{ method: 'GET', path: '/deals?stage=s3' }] },
    {
      name: 'aggregate',
      tangram: [{ method: 'POST', path: `${base}/aggregate`, body: JSON.stringify({ groupBy: ['stage'], measures: [{ fn: 'sum', field: 'amount' }] }) }],
      raw: [{ method: 'GET', path: '/aggregate' }],
    },
    { name: 'create', tangram: (i) => ({ method: 'POST', path: base, body: body(i) }), raw: (i) => ({ method: 'POST', path: '/deals', body: body(i) }) },
    {
      name: 'update',
      tangram: () => ({
        method: 'PATCH',
        path: `${base}/${tangramIds[tu++ % tangramIds.length]}`,
        body: '{"amount":1.5}',
        headers: { 'if-match': '"1"', 'content-type': 'application/json', authorization: `Bearer ${token}` },
      }),
      raw: () => ({
        method: 'PATCH',
        path: `/deals/${rawIds[ru++ % rawIds.length]}`,
        body: '{"amount":1.5}',
        headers: { 'if-match': '"1"', 'content-type': 'application/json' },
      }),
    },
  ];
  const results: Record<string, unknown> = {};
  try {
    // Access control's cost: the same list by a member whose scope is "department and below"
    // (a fifth of the rows) and by an admin (no scope), on the same Tangram server.
    const scopedList = [{ method: 'GET', path: `${base}?filter=${filter}&sort=-amount&limit=50` }] as autocannon.Request[];
    if (wanted('list_scoped')) {
      const admin = await load('http://127.0.0.1:3101', scopedList, { authorization: `Bearer ${token}` });
      const member = await load('http://127.0.0.1:3101', scopedList, { authorization: `Bearer ${memberToken}` });
      results.list_scoped = {
        tangram_rps: member.rps,
        admin_rps: admin.rps,
        ratio: Number((member.rps / admin.rps).toFixed(3)),
        tangram_p99_ms: member.p99,
        admin_p99_ms: admin.p99,
        tangram_errors: member.errors,
        admin_errors: admin.errors,
      };
      console.log('list_scoped', JSON.stringify(results.list_scoped));
    }
    for (const s of scenarios.filter((x) => wanted(x.name))) {
      const r = await load('http://127.0.0.1:3102', s.raw, {});
      const t = await load('http://127.0.0.1:3101', s.tangram, { authorization: `Bearer ${token}` });
      results[s.name] = {
        tangram_rps: t.rps,
        raw_rps: r.rps,
        ratio: Number((t.rps / r.rps).toFixed(3)),
        tangram_p99_ms: t.p99,
        raw_p99_ms: r.p99,
        tangram_errors: t.errors,
        raw_errors: r.errors,
      };
      console.log(s.name, JSON.stringify(results[s.name]));
    }
    if (wanted('automation_write') || wanted('automation_latency')) Object.assign(results, await automations(base, body, token));
    if (wanted('approve')) Object.assign(results, await approvals(base, token, tangramIds));
  } finally {
    tangram.kill();
    raw.kill();
  }
  console.log(`the Tangram server logged ${Math.round(statSync(serverLog).size / 1024)} kB to ${serverLog}`);
  mkdirSync('bench/results', { recursive: true });
  const file = 'bench/results/latest.json';
  const previous = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const out = {
    ...previous,
    measured_at: new Date().toISOString(),
    machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
    rows,
    duration_s: duration,
    connections,
    scenarios: { ...previous.scenarios, ...results },
  };
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  console.log(`wrote ${file} in ${Math.round((Date.now() - t0) / 1000)} s`);
}

await main();

// Interop test: drives the repram MCP server with the official TypeScript MCP SDK.
//
//   node sdk_client.mjs stdio <repram-binary>   spawns `<repram-binary> mcp` with this process's env
//   node sdk_client.mjs http <url>              connects over Streamable HTTP, e.g. http://127.0.0.1:8080/mcp
//
// Expects a lone node with the default TTL bounds (300..86400, default 1800). Prints one line per
// passed check and exits 1 with "FAIL: <what>" on the first failed expectation.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';

const TOTAL_TIMEOUT_MS = 60_000;

class Failure extends Error {}

function expect(condition, what, detail) {
  if (!condition) {
    throw new Failure(detail === undefined ? what : `${what}: got ${JSON.stringify(detail)}`);
  }
}

function expectEqual(actual, expected, what) {
  expect(isDeepStrictEqual(actual, expected), `${what}: expected ${JSON.stringify(expected)}`,
         actual);
}

function pass(what) {
  console.log(`ok   ${what}`);
}

function makeTransport(mode, target) {
  if (mode === 'stdio') {
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([, v]) => typeof v === 'string'));
    return new StdioClientTransport({ command: target, args: ['mcp'], env, stderr: 'inherit' });
  }
  if (mode === 'http') return new StreamableHTTPClientTransport(new URL(target));
  throw new Failure(`unknown mode "${mode}" (use stdio or http)`);
}

// Calls a tool that must succeed; checks the text copy and returns structuredContent.
async function callOk(client, name, args) {
  const result = await client.callTool({ name, arguments: args });
  expect(!result.isError, `${name} ${JSON.stringify(args)} succeeds`, result);
  expect(result.structuredContent !== undefined, `${name} returns structuredContent`, result);
  expect(result.content?.length === 1 && result.content[0].type === 'text',
         `${name} returns one text content`, result.content);
  expectEqual(JSON.parse(result.content[0].text), result.structuredContent,
              `${name} text content equals structuredContent`);
  return result.structuredContent;
}

// Calls a tool that must fail as a tool result; returns its text.
async function callError(client, name, args) {
  const result = await client.callTool({ name, arguments: args });
  expect(result.isError === true, `${name} ${JSON.stringify(args)} is an isError result`, result);
  return result.content[0].text;
}

async function run(client) {
  const info = client.getServerVersion();
  expectEqual(info?.name, 'repram', 'serverInfo.name');
  expectEqual(client.getServerCapabilities()?.tools, { listChanged: false }, 'tools capability');
  pass(`initialize (server ${info.name} ${info.version})`);

  await client.ping();
  pass('ping');

  const { tools } = await client.listTools();
  expectEqual(tools.map((t) => t.name).sort(),
              ['repram_exists', 'repram_list_keys', 'repram_retrieve', 'repram_store'],
              'tool names');
  const store = tools.find((t) => t.name === 'repram_store');
  expectEqual(store.inputSchema.required, ['data'], 'repram_store required arguments');
  expectEqual(store.inputSchema.properties.ttl_seconds.type, 'integer', 'ttl_seconds type');
  expectEqual(store.inputSchema.properties.ttl_seconds.minimum, 300, 'ttl_seconds minimum');
  expectEqual(store.inputSchema.properties.ttl_seconds.maximum, 86400, 'ttl_seconds maximum');
  for (const t of tools) expect(t.outputSchema?.type === 'object', `${t.name} has an outputSchema`);
  pass('tools/list');

  const id = randomUUID().slice(0, 8);
  const k1 = `sdk-${id}-1`;
  const stored = await callOk(client, 'repram_store', { key: k1, data: 'hello', ttl_seconds: 600 });
  expectEqual(stored.key, k1, 'store key');
  expectEqual(stored.ttl_seconds, 600, 'store ttl_seconds');
  expectEqual(stored.ttl_clamped, false, 'store ttl_clamped');
  expectEqual(stored.replicated, true, 'store replicated (a lone node has quorum 1)');
  expectEqual(Date.parse(stored.expires_at) - Date.parse(stored.created_at), 600_000,
              'expires_at - created_at');
  pass('repram_store');

  const got = await callOk(client, 'repram_retrieve', { key: k1 });
  expectEqual([got.found, got.key, got.data, got.encoding, got.original_ttl_seconds],
              [true, k1, 'hello', 'utf8', 600], 'retrieve fields');
  expect(got.remaining_ttl_seconds >= 590 && got.remaining_ttl_seconds <= 600,
         'retrieve remaining_ttl_seconds within 590..600', got.remaining_ttl_seconds);
  expectEqual(got.expires_at, stored.expires_at, 'retrieve expires_at');
  pass('repram_retrieve');

  const exists = await callOk(client, 'repram_exists', { key: k1 });
  expectEqual(exists.exists, true, 'exists of a stored key');
  expectEqual(await callOk(client, 'repram_exists', { key: `sdk-${id}-missing` }),
              { exists: false }, 'exists of a missing key');
  expectEqual(await callOk(client, 'repram_retrieve', { key: `sdk-${id}-missing` }),
              { found: false, key: `sdk-${id}-missing` }, 'retrieve miss');
  pass('repram_exists and misses');

  await callOk(client, 'repram_store', { key: `sdk-${id}-2`, data: 'b' });
  await callOk(client, 'repram_store', { key: `sdk-${id}-3`, data: 'c' });
  const page1 = await callOk(client, 'repram_list_keys', { prefix: `sdk-${id}-`, limit: 2 });
  expectEqual(page1, { keys: [k1, `sdk-${id}-2`], next_cursor: `sdk-${id}-2` }, 'list page 1');
  const page2 = await callOk(client, 'repram_list_keys',
                             { prefix: `sdk-${id}-`, limit: 2, cursor: page1.next_cursor });
  expectEqual(page2, { keys: [`sdk-${id}-3`] }, 'list page 2');
  pass('repram_list_keys');

  const bin = `sdk-${id}-bin`;
  await callOk(client, 'repram_store', { key: bin, data: 'AP+AAQ==', encoding: 'base64' });
  const binGot = await callOk(client, 'repram_retrieve', { key: bin });
  expectEqual([binGot.encoding, binGot.data], ['base64', 'AP+AAQ=='], 'binary round trip');
  pass('binary round trip');

  const clamped = await callOk(client, 'repram_store', { key: `sdk-${id}-c`, data: 'x', ttl_seconds: 10 });
  expectEqual([clamped.ttl_seconds, clamped.ttl_clamped], [300, true], 'ttl 10 clamps to 300');
  const generated = await callOk(client, 'repram_store', { data: 'x' });
  expect(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(generated.key),
         'generated key is a UUID v4', generated.key);
  expectEqual(generated.ttl_seconds, 1800, 'default ttl');
  pass('ttl clamp, default ttl, generated key');

  const prefix = 'Invalid arguments for tool repram_store: ';
  expectEqual(await callError(client, 'repram_store', { data: 'x', ttl_seconds: '600' }),
              `${prefix}ttl_seconds: expected integer`, 'string ttl_seconds');
  expectEqual(await callError(client, 'repram_store', { data: 'x', key: 'a/b' }),
              `${prefix}key: must be 1..8192 bytes without '/'`, "key with '/'");
  expectEqual(await callError(client, 'repram_store', { data: '***', encoding: 'base64' }),
              `${prefix}data: invalid base64`, 'bad base64');
  expectEqual(await callError(client, 'repram_store', {}), `${prefix}data: required string`,
              'missing data');
  pass('invalid arguments are isError results');

  let unknownError;
  try {
    await client.callTool({ name: 'repram_delete', arguments: {} });
  } catch (e) {
    unknownError = e;
  }
  expect(unknownError !== undefined, 'unknown tool is rejected');
  expectEqual(unknownError.code, -32602, 'unknown tool error code');
  expect(String(unknownError.message).includes('Unknown tool: repram_delete'),
         'unknown tool error message', unknownError.message);
  pass('unknown tool is JSON-RPC -32602');
}

async function main() {
  const [mode, target] = process.argv.slice(2);
  if (!mode || !target) {
    throw new Failure('usage: node sdk_client.mjs stdio <repram-binary> | http <url>');
  }
  const client = new Client({ name: 'repram-sdk-interop', version: '1.0.0' });
  const transport = makeTransport(mode, target);
  const timer = setTimeout(() => {
    console.error(`FAIL: no result within ${TOTAL_TIMEOUT_MS} ms`);
    process.exit(1);
  }, TOTAL_TIMEOUT_MS);
  try {
    await client.connect(transport);
    await run(client);
  } finally {
    clearTimeout(timer);
    await client.close().catch(() => {});
  }
  console.log(`PASS ${mode}`);
}

main().catch((e) => {
  console.error(`FAIL: ${e instanceof Failure ? e.message : e?.stack ?? e}`);
  process.exit(1);
});

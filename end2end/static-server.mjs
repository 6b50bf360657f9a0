// A plain static file server for the browser tests. It stands in for the public data sources
// (serving end2end/fixtures) and for a static host serving the built app on an origin of its own
// (with --spa: unknown paths get index.html, and CONFIG_JSON, when set, is served as /config.json).
//
// usage: node static-server.mjs PORT FOLDER [--spa]
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';

const [port, folder, mode] = process.argv.slice(2);
const root = resolve(folder);
const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.json': 'application/json',
  '.csv': 'text/csv',
};

async function fileFor(path) {
  const file = resolve(join(root, path));
  if (file !== root && !file.startsWith(root + sep)) return null;
  try {
    return (await stat(file)).isDirectory() ? join(file, 'index.html') : file;
  } catch {
    return mode === '--spa' ? join(root, 'index.html') : file;
  }
}

createServer(async (request, response) => {
  const path = decodeURIComponent(new URL(request.url, 'http://localhost').pathname);
  if (path === '/config.json' && process.env.CONFIG_JSON) {
    response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache' });
    response.end(process.env.CONFIG_JSON);
    return;
  }
  const file = await fileFor(path);
  try {
    const body = await readFile(file);
    response.writeHead(200, { 'content-type': types[extname(file)] ?? 'text/plain' });
    response.end(body);
  } catch {
    response.writeHead(404, { 'content-type': 'text/plain' });
    response.end('not found');
  }
}).listen(Number(port), '127.0.0.1');

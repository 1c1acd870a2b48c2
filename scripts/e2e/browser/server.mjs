// Starts the real yizhan binary on a loopback port with its own database, seeded from data/, and stops
// it afterwards. The binary is built once per test run.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../../', import.meta.url));

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

/**
 * Builds and starts `yizhan serve`. extraCSV, when given, is imported first (stations the test needs
 * beyond the seed); pwaDir serves the PWA from that folder. Returns {base, dir, bin, db, restart, stop}.
 */
export async function startServer({ extraCSV, pwaDir } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'yizhan-e2e-'));
  const bin = join(dir, 'yizhan');
  execFileSync('go', ['build', '-o', bin, './server/cmd/yizhan'], { cwd: root, stdio: 'inherit' });
  const db = join(dir, 'y.db');
  if (extraCSV) {
    // Seed first through a short serve run is not needed: import into the empty database, then
    // serve seeds nothing (the database is not empty), so the seed is imported explicitly too.
    execFileSync(bin, ['import', join(root, 'data/stations.csv'), '--db', db], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    const extra = join(dir, 'extra.csv');
    writeFileSync(extra, extraCSV);
    execFileSync(bin, ['import', extra, '--db', db], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let { proc, exited } = await launch(bin, db, port, pwaDir);
  return {
    base, dir, bin, db,
    /** Stops the server and starts it again on the same port and database (pwaDir: serve the PWA from there). */
    async restart(opts = {}) {
      proc.kill('SIGTERM');
      await exited;
      ({ proc, exited } = await launch(bin, db, port, opts.pwaDir ?? pwaDir));
    },
    async stop() {
      proc.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function launch(bin, db, port, pwaDir) {
  const args = ['serve', '--db', db, '--seed', join(root, 'data/stations.csv'), '--listen', `127.0.0.1:${port}`,
    '--log-level', 'info', '--poll-interval', '200ms'];
  if (pwaDir) args.push('--pwa-dir', pwaDir);
  const proc = spawn(bin, args, { cwd: root, stdio: ['ignore', 'inherit', 'pipe'] });
  const exited = new Promise((resolve) => proc.on('exit', resolve));
  // serve logs "index ready" (JSON lines on stderr) once it answers station queries.
  await new Promise((resolve, reject) => {
    let buf = '';
    proc.stderr.on('data', (chunk) => {
      buf += chunk;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (line.includes('"level":"ERROR"') || line.includes('"level":"WARN"')) process.stderr.write(line + '\n');
        if (line.includes('"msg":"index ready"')) resolve();
      }
    });
    exited.then((code) => reject(new Error(`yizhan serve exited with ${code}`)));
  });
  return { proc, exited };
}

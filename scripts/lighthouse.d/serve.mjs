// For scripts/lighthouse: builds and starts the real server with the seed (the browser tests'
// startServer: its own temp database, a free loopback port), prints its address on one line, and
// stops it (removing its files) on SIGTERM or SIGINT.
import { startServer } from '../e2e/browser/server.mjs';

const srv = await startServer();
const ready = await (await fetch(`${srv.base}/readyz`)).json();
console.log(`${srv.base} ${ready.station_count}`);
let stopping;
const stop = () => { stopping ||= srv.stop().then(() => process.exit(0)); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

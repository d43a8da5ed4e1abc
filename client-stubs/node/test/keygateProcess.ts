/** Starts the real keygate server jar on a free loopback port for the end-to-end tests. */
import { ChildProcess, spawn } from 'child_process';
import { randomBytes } from 'crypto';
import { existsSync } from 'fs';
import * as path from 'path';

const DEFAULT_JAR = path.join(__dirname, '..', '..', '..', '..', 'server', 'target',
  'keygate-server.jar');

/** `java -jar keygate-server.jar`, in-memory store, port 0 (logged once bound), random admin token. */
export class KeygateProcess {
  readonly adminToken = randomBytes(24).toString('base64url');
  address = '';
  private proc?: ChildProcess;

  async start(startupLimitMs = 60_000): Promise<this> {
    const jar = path.resolve(process.env.KEYGATE_SERVER_JAR || DEFAULT_JAR);
    if (!existsSync(jar)) throw new Error(`${jar} missing: build it with mvn -B package -DskipTests`);
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('KEYGATE_')) env[k] = v;
    env.KEYGATE_LISTEN = '127.0.0.1:0';
    env.KEYGATE_ADMIN_TOKEN = this.adminToken;
    const proc = spawn('java', ['-jar', jar], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    let log = '';
    this.address = await new Promise<string>((resolve, reject) => {
      // a bound on start-up so a broken server fails the run instead of hanging it
      const timer = setTimeout(() => reject(new Error(`keygate did not start:\n${log}`)),
        startupLimitMs);
      const onData = (chunk: Buffer) => {
        log += chunk.toString();
        const match = /keygate listening on [^:\s]+:(\d+)/.exec(log);
        if (match) { clearTimeout(timer); resolve(`127.0.0.1:${match[1]}`); }
      };
      proc.stdout!.on('data', onData);
      proc.stderr!.on('data', onData);
      proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`keygate exited ${code}:\n${log}`)); });
    });
    return this;
  }

  async stop(): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => { proc.once('exit', () => resolve()); proc.kill('SIGTERM'); });
  }
}

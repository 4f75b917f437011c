import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { waitForHealthy } from '../../scripts/lib/wait';

export type CrashServer = {
	/** `npm start`'s process: the leader of a process group of its own. */
	pid: number;
	/** Kills every process of the group with SIGKILL and returns once none is left. */
	kill: () => Promise<KilledProcess[]>;
	/** SIGTERM, as at the end of a run: the server drains and closes the database. */
	stop: () => Promise<void>;
};

export type KilledProcess = { pid: number; command: string };

const running = new Set<number>();
// If this program dies first, it must not leave a server behind.
process.once('exit', () => {
	for (const pid of running) if (groupOf(pid).length > 0) process.kill(-pid, 'SIGKILL');
});

/**
 * Runs `npm start` (scripts/start.ts: migrate, sync packages, then the built server as its child) in
 * a process group of its own, so that one `kill -9` of the group reaches the node process serving
 * HTTP and every worker it may have forked, as a power cut would.
 */
export async function startServer(options: {
	url: string;
	env: NodeJS.ProcessEnv;
	logFile: string;
}): Promise<CrashServer> {
	const log = openSync(options.logFile, 'a');
	const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
		env: { ...process.env, ...options.env },
		stdio: ['ignore', log, log],
		detached: true
	});
	closeSync(log);
	const pid = child.pid!;
	const exited = once(child, 'exit');
	const killGroup = () => process.kill(-pid, 'SIGKILL');
	running.add(pid);
	await Promise.race([
		waitForHealthy(`${options.url}/healthz`, 180_000),
		exited.then(([code]) => {
			throw new Error(
				`npm start exited with ${code} before it was healthy; see ${options.logFile}`
			);
		})
	]);
	return {
		pid,
		kill: async () => {
			const killed = groupOf(pid);
			if (!killed.some((process) => process.pid !== pid))
				throw new Error('npm start has no server process to kill');
			killGroup();
			await exited;
			running.delete(pid);
			await waitUntil(() => groupOf(pid).length === 0, 'every process of the group to die');
			await waitUntil(async () => !(await accepts(options.url)), 'the port to refuse connections');
			return killed;
		},
		stop: async () => {
			process.kill(pid, 'SIGTERM');
			await exited;
			running.delete(pid);
		}
	};
}

/** The live processes of a process group, read from /proc (a zombie is dead: it holds no socket). */
function groupOf(groupId: number): KilledProcess[] {
	const found: KilledProcess[] = [];
	for (const name of readdirSync('/proc')) {
		if (!/^\d+$/.test(name)) continue;
		try {
			const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
			const [state, , group] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			if (Number(group) !== groupId || state === 'Z') continue;
			const command = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ').trim();
			found.push({ pid: Number(name), command });
		} catch {
			// exited while being read
		}
	}
	return found;
}

function accepts(url: string): Promise<boolean> {
	const { hostname, port } = new URL(url);
	return new Promise((resolve) => {
		const socket = connect(Number(port), hostname);
		socket.once('connect', () => {
			socket.destroy();
			resolve(true);
		});
		socket.once('error', () => resolve(false));
	});
}

async function waitUntil(condition: () => boolean | Promise<boolean>, what: string) {
	const deadline = Date.now() + 10_000;
	while (!(await condition())) {
		if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

import { readFileSync } from 'node:fs';

/**
 * CPU seconds a process and its live descendants (cluster workers) have used, from /proc; undefined
 * where there is no /proc. On a shared machine this says more than requests/s: it is what each request
 * costs, however many other processes wait for the cores.
 */
export function cpuSecondsOf(pid: number): number | undefined {
	try {
		const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
		const own = (Number(fields[11]) + Number(fields[12])) / 100;
		const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
		const descendants = children
			? children.split(' ').map((child) => cpuSecondsOf(Number(child)))
			: [];
		return descendants.reduce<number>((sum, seconds) => sum + (seconds ?? 0), own);
	} catch {
		return undefined;
	}
}

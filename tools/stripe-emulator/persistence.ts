import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { Collection, type Store } from './store';

/** Saves every collection and map as arrays; the delivery queue is not state and is not kept. */
export function saveStore(store: Store, file: string): void {
	const snapshot = Object.fromEntries(
		Object.entries(store).map(([key, value]) => [
			key,
			value instanceof Collection ? [...value.items.values()] : [...value.entries()]
		])
	);
	const temporary = `${file}.tmp`;
	writeFileSync(temporary, JSON.stringify({ version: 1, ...snapshot }));
	renameSync(temporary, file);
}

export function loadStore(store: Store, file: string): void {
	if (!existsSync(file)) return;
	const snapshot = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown[]>;
	for (const [key, value] of Object.entries(store)) {
		const saved = snapshot[key];
		if (!Array.isArray(saved)) continue;
		if (value instanceof Collection) value.restore(saved);
		else restoreMap(value, saved as [string, never][]);
	}
}

function restoreMap(map: Map<string, unknown>, entries: [string, unknown][]): void {
	map.clear();
	for (const [key, value] of entries) map.set(key, value);
}

/**
 * Coalesces bursts of writes into one save shortly after the last change. A large state takes long to
 * write, so the next save waits four times as long as the last one took: saving never takes more than
 * a fifth of the emulator's time, however big its state grows.
 */
export function createSaver(
	store: Store,
	file: string | undefined,
	delayMs = 200,
	now = () => performance.now()
) {
	let timer: NodeJS.Timeout | null = null;
	let lastSaveMs = 0;
	const flush = () => {
		if (timer) clearTimeout(timer);
		timer = null;
		if (!file) return;
		const started = now();
		saveStore(store, file);
		lastSaveMs = now() - started;
	};
	return {
		schedule() {
			if (!file || timer) return;
			timer = setTimeout(flush, Math.max(delayMs, 4 * lastSaveMs));
			timer.unref();
		},
		flush
	};
}

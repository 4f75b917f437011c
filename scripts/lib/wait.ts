/** Polls a URL until it answers 200, for at most `timeoutMs`. */
export async function waitForHealthy(url: string, timeoutMs = 60_000) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		try {
			if ((await fetch(url)).ok) return;
		} catch {
			// not listening yet
		}
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
	throw new Error(`${url} did not become healthy within ${timeoutMs / 1000} s`);
}

export interface Route<H> {
	method: string;
	segments: string[];
	handler: H;
}

export function route<H>(method: string, pattern: string, handler: H): Route<H> {
	return { method, segments: pattern.split('/').filter(Boolean), handler };
}

/** Matches `/v1/products/:id` style patterns; `:name` segments become params. */
export function matchRoute<H>(routes: Route<H>[], method: string, path: string) {
	const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
	for (const candidate of routes) {
		if (candidate.method !== method || candidate.segments.length !== parts.length) continue;
		const params: Record<string, string> = {};
		const matches = candidate.segments.every((segment, i) => {
			if (segment.startsWith(':')) params[segment.slice(1)] = parts[i];
			return segment.startsWith(':') || segment === parts[i];
		});
		if (matches) return { handler: candidate.handler, params };
	}
	return null;
}

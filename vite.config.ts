import tailwindcss from '@tailwindcss/vite';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [tailwindcss(), sveltekit()],
	test: {
		include: [
			'src/**/*.spec.ts',
			'tools/**/*.spec.ts',
			'scripts/**/*.spec.ts',
			'examples/**/*.spec.ts',
			'tests/integration/**/*.spec.ts'
		],
		environment: 'node',
		expect: { requireAssertions: true },
		testTimeout: 30_000,
		hookTimeout: 60_000
	}
});

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
		// One PostgreSQL server for the run; tests copy a migrated template database (tests/postgres).
		globalSetup: ['tests/postgres/global-setup.ts'],
		// The server's JSON log lines would bury the test report; log.spec.ts tests the logger itself.
		env: { LOG_LEVEL: 'silent' },
		expect: { requireAssertions: true },
		testTimeout: 30_000,
		hookTimeout: 60_000
	}
});

import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter(),
		// The origin check is hooks.server.ts's refuseCrossSiteWrites, for every content type and with
		// the trusted origins of the run-time config (a demo answers at localhost and 127.0.0.1 alike).
		csrf: { trustedOrigins: ['*'] },
		// form-action is added per response in hooks.server.ts: it names the Stripe checkout origin,
		// which is known only at run time (the emulator's in demo mode).
		csp: {
			mode: 'auto',
			directives: {
				'default-src': ['self'],
				'script-src': ['self'],
				'style-src': ['self', 'unsafe-inline'],
				'img-src': ['self', 'data:'],
				'font-src': ['self'],
				'connect-src': ['self'],
				'object-src': ['none'],
				'base-uri': ['self'],
				'frame-ancestors': ['none']
			}
		}
	}
};

export default config;

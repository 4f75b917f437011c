import type { SubmitFunction } from '@sveltejs/kit';

type Options = {
	/** Clear the form after a success (SvelteKit's default); off where the user types again. */
	reset?: boolean;
	afterUpdate?: () => void;
};

/** `use:enhance={submission.submit}`: pending from the click until the page shows the answer. */
export class PendingSubmit {
	pending = $state(false);
	#options: Options;

	constructor(options: Options = {}) {
		this.#options = options;
	}

	submit: SubmitFunction = () => {
		this.pending = true;
		return async ({ update }) => {
			await update({ reset: this.#options.reset ?? true });
			this.pending = false;
			this.#options.afterUpdate?.();
		};
	};
}

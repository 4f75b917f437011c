import type { ClientInit } from '@sveltejs/kit';
import { watchTypedValues } from '$lib/typed-before-hydration';

export const init: ClientInit = () => {
	watchTypedValues();
};

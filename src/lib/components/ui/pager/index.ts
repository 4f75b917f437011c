export { default as Pager } from './pager.svelte';

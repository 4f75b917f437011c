export { default as Badge, type BadgeTone } from './badge.svelte';

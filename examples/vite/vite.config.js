import { defineConfig } from 'vite';

// Relative asset paths, so that dist/ can be served from any folder.
export default defineConfig({ base: './' });

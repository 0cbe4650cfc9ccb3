import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The Tauri shell loads the built UI from ui/dist (relative asset paths) and, in dev, from port 1420.
export default defineConfig({
  base: "./",
  plugins: [react()],
  clearScreen: false,
  server: { port: 1420, strictPort: true, fs: { allow: [".."] } },
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", chunkSizeWarningLimit: 1500 },
});

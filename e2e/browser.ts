/**
 * How the e2e suite launches Chromium: Debian's /usr/bin/chromium (never a downloaded browser),
 * headless, offline. WebGPU in headless Chromium needs `--enable-unsafe-webgpu` (adapter is
 * SwiftShader on these machines); without it `tf.setBackend('webgpu')` resolves false and tfjs
 * falls back to WebGL (see shared/notes/tfjs-webgpu.md).
 */

/** Chromium binary: $CHROMIUM_PATH, else Debian's /usr/bin/chromium. */
export function executablePath(): string {
  return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
}

/** Launch flags. `webgpu = false` leaves WebGPU off (the page then gets WebGL or CPU). */
export function chromiumArgs(webgpu = true): string[] {
  return [
    ...(webgpu ? ['--enable-unsafe-webgpu'] : []),
    '--no-sandbox',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ];
}

/** Types of serve.mjs (see there for what the server does and refuses). */

export interface StaticServer {
  /** Absolute URL of the prefix, e.g. http://127.0.0.1:41234/flock/ (always ends with '/'). */
  url: string;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
  /** Pathnames (without query) of all requests received, in arrival order. */
  requests: string[];
}

export interface ServeOptions {
  /** Extra headers on every response (e.g. COOP/COEP for cross-origin isolation). */
  headers?: Record<string, string>;
  /** Serve matching paths slowly (a slow network), in 64 KiB chunks at this rate. */
  throttle?: { match: RegExp; bytesPerSecond: number };
  /** Send `.gz` files with `Content-Encoding: gzip` (and the type of what they hold), as some hosts do. */
  gzipEncoding?: boolean;
}

export function contentTypeFor(path: string): string;
/** Serves `root` under the URL sub-path `prefix` on 127.0.0.1, an ephemeral port. */
export function serveStatic(root: string, prefix: string, options?: ServeOptions): Promise<StaticServer>;

/**
 * Compiles the WebGPU pipelines of a preset's probe (and optionally its training step) before they are first needed,
 * without running them: tfjs' WEBGPU_ENGINE_COMPILE_ONLY mode records every program's pipeline with
 * createComputePipelineAsync (compiled in parallel, off the worker's thread) and skips the dispatch.
 * The worker starts the probe's while the MNIST data downloads, so the first embedding frame no
 * longer waits for those shader compiles. DOM-free.
 *
 * Pipelines are cached by program key, which includes the shapes baked into a program (Flock's conv
 * kernels bake every dimension), so the warm-up uses the real batch size and probe chunk. Everything
 * it creates is thrown away: in compile-only mode outputs hold no values.
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import type { CenterLossOps } from './centerLoss';
import { initialWeights } from './model';
import { EMBED_DIM, NUM_CLASSES, type ModelPreset } from './presets';
import { Run, type RunHyper } from './trainer';

export interface WarmupResult { ms: number; pipelines: number }

/**
 * Backend must be 'webgpu'. `what`: 'probe' (the embedding of a probe chunk: what the first frame
 * needs) or 'train' (also a training step; on SwiftShader that is ~100 pipelines and ~20 s, more than
 * a download hides). Resolves when every pipeline has compiled; until then no other tfjs call may
 * use those programs (tfjs throws on a pipeline still compiling), so callers await it.
 */
export async function precompilePipelines(
  preset: ModelPreset, batch: number, probeChunk: number, hyper: RunHyper, ops: CenterLossOps, what: 'probe' | 'train' = 'probe',
): Promise<WarmupResult> {
  if (tf.getBackend() !== 'webgpu') throw new Error(`precompilePipelines: backend is '${tf.getBackend()}', not webgpu`);
  const backend = tf.backend() as WebGPUBackend;
  // pipelineCache is private in the typings; checkCompileCompletionAsync is public.
  const cache = () => Object.keys((backend as unknown as { pipelineCache: Record<string, unknown> }).pipelineCache).length;
  const t0 = performance.now();
  const before = cache();
  const run = new Run('warmup', preset, initialWeights(preset, 0), new Float32Array(NUM_CLASSES * EMBED_DIM), hyper, ops);
  // Only synchronous tfjs calls while the flag is set: nothing else can run in between.
  tf.env().set('WEBGPU_ENGINE_COMPILE_ONLY', true);
  try {
    tf.dispose(tf.tidy(() => {
      const f = run.net.embed(tf.zeros([probeChunk, 784]));
      return [f, tf.argMax(run.net.logits(f), 1)];
    }));
    if (what === 'train') {
      const x = tf.zeros([batch, 784]) as tf.Tensor2D;
      const y = tf.zeros([batch], 'int32') as tf.Tensor1D;
      tf.dispose([run.trainStep(x, y), x, y]);
    }
  } finally {
    tf.env().set('WEBGPU_ENGINE_COMPILE_ONLY', false);
  }
  try {
    await backend.checkCompileCompletionAsync();
  } catch (e) {
    // A pipeline that failed to compile stays a rejected promise in tfjs' cache, and tfjs would throw
    // on every later use of it: drop the promises so those programs compile on first use as usual.
    const c = (backend as unknown as { pipelineCache: Record<string, unknown> }).pipelineCache;
    for (const k of Object.keys(c)) if (c[k] instanceof Promise) delete c[k];
    throw e;
  } finally {
    run.dispose();
  }
  return { ms: performance.now() - t0, pipelines: cache() - before };
}

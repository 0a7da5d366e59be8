/** Model presets. `lenetpp` is LeNet++ exactly as in Wen et al. / the PyTorch port; the others are smaller. */
export type ModelId = 'tiny' | 'conv' | 'small' | 'lenetpp';

export interface ModelPreset {
  id: ModelId;
  label: string;
  /** Convolution stages: each is two 5×5 convs (pad 2) + PReLU, then 2×2 max-pool. Empty = no convs. */
  stages: number[];
  /** Dense hidden layers (with PReLU) before the 2-D embedding, for the MLP presets. */
  hidden: number[];
  batch: number;
  /** Default Adam learning rate (measured: the CNNs blow up at 0.01, the MLP learns fastest there). */
  lr: number;
  /** Why a user would pick it. */
  note: string;
}

export const PRESETS: Record<ModelId, ModelPreset> = {
  tiny: {
    id: 'tiny', label: 'Tiny MLP (784→32→2)', stages: [], hidden: [32], batch: 64, lr: 0.01,
    note: 'fast on any backend, even a software GPU',
  },
  conv: {
    id: 'conv', label: 'Mini CNN (4/8 ch)', stages: [4, 8], hidden: [], batch: 64, lr: 0.003,
    note: 'two conv stages; a few steps per second on a laptop GPU',
  },
  small: {
    id: 'small', label: 'LeNet++ 8/16/32', stages: [8, 16, 32], hidden: [], batch: 128, lr: 0.001,
    note: 'LeNet++ with a quarter of the channels',
  },
  lenetpp: {
    id: 'lenetpp', label: 'LeNet++ 32/64/128 (paper)', stages: [32, 64, 128], hidden: [], batch: 128, lr: 0.001,
    note: 'the network of the paper and the PyTorch port; needs a real GPU',
  },
};

/** The port's optimiser: SGD lr 0.001, momentum 0.9, weight decay 5e-4, λ = 1, α = 0.5 (kept as a preset). */
export const PORT_HYPER = { lr: 0.001, momentum: 0.9, weightDecay: 5e-4, lambda: 1, alpha: 0.5 } as const;
export const MOMENTUM = 0.9;
export const WEIGHT_DECAY = 5e-4;
export const NUM_CLASSES = 10;
export const EMBED_DIM = 2;

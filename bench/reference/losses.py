"""The discriminative losses of Flock (issue 15) in PyTorch, line for line the app's src/train/losses/*.ts.

  norm:               |x| = sqrt(max(sum_d x_d^2, 1e-24)),  x_hat = x / |x|
  contrastive-center: L = mean_i 0.5 |x_i - c_yi|^2 / (sum_{j != yi} |x_i - c_j|^2 + delta)   (Qi & Su 2017)
  ring:               L = mean_i 0.5 (|x_i| - R)^2                                            (Zheng et al. 2018)
  cosine head:        cos_ij = x_hat_i . w_hat_j  (w: the bias-free 2 -> 10 layer's weight columns)
  normface:           logits = s cos                                                          (Wang et al. 2017)
  cosface:            logits = s (cos - m onehot)                                             (Wang et al. 2018)
  arcface:            true class s psi, psi = cos(theta + m) if cos > cos(pi - m) else cos - sin(pi - m) m,
                      cos(theta + m) = cos cos m - sqrt(max(1 - cos^2, 1e-12)) sin m          (Deng et al. 2019)
Learned state (trainer.ts): contrastive-center centers c <- c - alpha * d total/dc; ring R <- R - lr_R * d total/dR,
R starting at the first batch's mean |x|.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

LOSSES = ["center", "contrastive-center", "ring", "normface", "cosface", "arcface"]
COSINE_HEADS = ["normface", "cosface", "arcface"]
NORM_EPS_SQ, SIN_FLOOR = 1e-24, 1e-12


def safe_norm(x: torch.Tensor, dim: int = 1) -> torch.Tensor:
    return x.pow(2).sum(dim, keepdim=True).clamp_min(NORM_EPS_SQ).sqrt()


def l2normalize(x: torch.Tensor, dim: int = 1) -> torch.Tensor:
    return x / safe_norm(x, dim)


def contrastive_center_loss(x, y, c, delta: float):
    d2 = (x.unsqueeze(1) - c.unsqueeze(0)).pow(2).sum(2)
    own = F.one_hot(y, c.shape[0]).to(x.dtype)
    intra = (d2 * own).sum(1)
    inter = (d2 * (1 - own)).sum(1)
    return (intra * 0.5 / (inter + delta)).mean()


def ring_loss(x, radius):
    return (safe_norm(x).squeeze(1) - radius).pow(2).mean() / 2


def cosines(x, w):
    """x [B,D], w [D,K] -> cos [B,K]."""
    return l2normalize(x, 1) @ l2normalize(w, 0)


def margin_logits(head: str, cos, y, s: float, m: float):
    if head == "normface":
        return cos * s
    one_hot = F.one_hot(y, cos.shape[1]).to(cos.dtype)
    if head == "cosface":
        return (cos - one_hot * m) * s
    sin = (1 - cos.pow(2)).clamp_min(SIN_FLOOR).sqrt()
    shifted = cos * math.cos(m) - sin * math.sin(m)
    psi = torch.where(cos > math.cos(math.pi - m), shifted, cos - math.sin(math.pi - m) * m)
    return (one_hot * psi + (1 - one_hot) * cos) * s


def objective(loss: str, feat, y, w, centers, radius, lam: float, s: float, m: float, delta: float):
    """(total, classification CE, auxiliary loss) of every loss but 'center' (trainer.ts autogradStep)."""
    if loss in COSINE_HEADS:
        ce = F.cross_entropy(margin_logits(loss, cosines(feat, w), y, s, m), y)
        return ce, ce, torch.zeros((), dtype=feat.dtype)
    ce = F.cross_entropy(feat @ w, y)
    aux = ring_loss(feat, radius) if loss == "ring" else contrastive_center_loss(feat, y, centers, delta)
    return (ce if lam == 0 else ce + lam * aux), ce, aux

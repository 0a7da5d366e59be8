/** The "About" disclosure: center loss in five sentences, with its two equations. */
export function About() {
  return (
    <details className="about">
      <summary>About center loss</summary>
      <p>
        A network trained with softmax alone only has to make its features <em>separable</em>, so each digit’s 2-D
        embeddings spread into a long spoke that keeps growing. Center loss (Wen et al., ECCV 2016) adds a term that
        pulls every feature toward a learned center of its class:
      </p>
      <p className="eq">L<sub>C</sub> = Σ<sub>i</sub> ‖x<sub>i</sub> − c<sub>y<sub>i</sub></sub>‖² / (2B)</p>
      <p>
        The network minimises the softmax loss plus λ·L<sub>C</sub>, so λ trades plain separability for compact
        classes, and the “Softmax only” panel is the same network with λ = 0. In the paper the centers are not learned
        by gradient descent but moved once per batch of B examples, by the mean offset of that class’s features (n<sub>j</sub> of
        them in the batch), scaled by the center learning rate α:
      </p>
      <p className="eq">Δc<sub>j</sub> = Σ<sub>i: y<sub>i</sub> = j</sub> (c<sub>j</sub> − x<sub>i</sub>) / (1 + n<sub>j</sub>),
        {'  '}c<sub>j</sub> ← c<sub>j</sub> − α · Δc<sub>j</sub></p>
      <p>
        The result is features that are both separable and discriminative — tight flocks, far apart — which is what
        open-set tasks such as face verification need.{' '}
        <a href="https://ydwen.github.io/papers/WenECCV16.pdf" target="_blank" rel="noopener noreferrer">Read the paper (PDF)</a>
      </p>
    </details>
  );
}

/** The scatter's legend: one toggle button per class, pressed for the highlighted class. */
export class Legend {
  readonly el: HTMLDivElement;
  private readonly buttons: HTMLButtonElement[] = [];

  constructor(doc: Document, colors: readonly string[], onClick: (cls: number) => void) {
    this.el = doc.createElement('div');
    this.el.className = 'scatter-legend';
    this.el.setAttribute('role', 'group');
    this.el.setAttribute('aria-label', 'Highlight a digit class');
    colors.forEach((color, cls) => {
      const b = doc.createElement('button');
      b.type = 'button';
      b.className = 'scatter-legend-item';
      b.dataset.class = String(cls);
      b.setAttribute('aria-pressed', 'false');
      b.title = `Highlight digit ${cls} (click again to clear)`;
      const sw = doc.createElement('span');
      sw.className = 'scatter-swatch';
      sw.style.background = color;
      b.append(sw, doc.createTextNode(String(cls)));
      b.addEventListener('click', () => onClick(cls));
      this.el.appendChild(b);
      this.buttons.push(b);
    });
  }

  update(highlight: number | null): void {
    this.buttons.forEach((b, cls) => {
      const on = highlight === cls;
      b.setAttribute('aria-pressed', on ? 'true' : 'false');
      b.classList.toggle('active', on);
    });
  }
}

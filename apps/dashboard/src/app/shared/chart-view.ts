import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  type ElementRef,
  afterRenderEffect,
  inject,
  input,
  viewChild,
} from '@angular/core';
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  Filler,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  PointElement,
  Tooltip,
} from 'chart.js';

// Registering only what the dashboard draws keeps chart.js tree-shaken.
Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  Filler,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  PointElement,
  Tooltip,
);

/** A chart.js canvas driven by a config signal: the chart is updated in place, and destroyed with the view. */
@Component({
  selector: 'mcp-chart',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<div class="box"><canvas #canvas role="img" [attr.aria-label]="label()"></canvas></div>`,
  styles: `
    :host {
      display: block;
    }
    .box {
      position: relative;
      height: var(--chart-height, 220px);
    }
  `,
})
export class ChartView {
  readonly config = input.required<ChartConfiguration>();
  readonly label = input('');
  private readonly canvas = viewChild.required<ElementRef<HTMLCanvasElement>>('canvas');
  private chart: Chart | undefined;

  constructor() {
    afterRenderEffect(() => {
      const config = this.config();
      if (this.chart) {
        this.chart.data = config.data;
        if (config.options) this.chart.options = config.options;
        this.chart.update();
        return;
      }
      if (!this.canvas().nativeElement.getContext('2d')) return;
      this.chart = new Chart(this.canvas().nativeElement, config);
    });
    inject(DestroyRef).onDestroy(() => this.chart?.destroy());
  }
}

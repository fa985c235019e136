import { Component, input } from '@angular/core';
import type { ChartConfiguration } from 'chart.js';

/** Stands in for the chart.js canvas, which jsdom cannot draw. */
@Component({
  selector: 'mcp-chart',
  template: `<div class="fake-chart" [attr.data-label]="label()">{{ config().data.datasets.length }} series</div>`,
})
export class FakeChart {
  readonly config = input.required<ChartConfiguration>();
  readonly label = input('');
}

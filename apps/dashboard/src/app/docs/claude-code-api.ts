import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { AnthropicModelMapView } from '@mcp/contracts';
import type { Observable } from 'rxjs';

const PATH = '/admin/anthropic/model-map';

/** The Anthropic model map (PROTOCOL §14): read, replace, or reset to ANTHROPIC_MODEL_MAP. */
@Injectable({ providedIn: 'root' })
export class ClaudeCodeApi {
  private readonly http = inject(HttpClient);

  modelMap(): Observable<AnthropicModelMapView> {
    return this.http.get<AnthropicModelMapView>(PATH);
  }

  saveModelMap(map: Record<string, string>): Observable<AnthropicModelMapView> {
    return this.http.put<AnthropicModelMapView>(PATH, { map });
  }

  resetModelMap(): Observable<AnthropicModelMapView> {
    return this.http.delete<AnthropicModelMapView>(PATH);
  }
}

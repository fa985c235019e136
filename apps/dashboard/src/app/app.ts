import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatTabsModule } from '@angular/material/tabs';
import { MatTooltipModule } from '@angular/material/tooltip';
import { NavigationEnd, Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { filter } from 'rxjs';
import { AuthStore } from './core/auth-store';
import { Sanitizer } from './core/sanitizer';
import { SignIn } from './core/sign-in';

export interface Tab {
  path: string;
  label: string;
}

export const TABS: readonly Tab[] = [
  { path: 'overview', label: 'Overview' },
  { path: 'accounts', label: 'Accounts' },
  { path: 'tracing', label: 'Tracing' },
  { path: 'playground', label: 'Playground' },
  { path: 'docs', label: 'Docs' },
];

@Component({
  selector: 'mcp-root',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatButtonModule, MatTabsModule, MatTooltipModule, RouterLink, RouterLinkActive, RouterOutlet, SignIn],
  templateUrl: './app.html',
  styleUrl: './app.scss',
})
export class App {
  protected readonly auth = inject(AuthStore);
  protected readonly sanitizer = inject(Sanitizer);
  private readonly router = inject(Router);
  protected readonly tabs = TABS;

  constructor() {
    this.router.events
      .pipe(
        filter((event): event is NavigationEnd => event instanceof NavigationEnd),
        takeUntilDestroyed(),
      )
      .subscribe((event) => this.sanitizer.followUrl(event.urlAfterRedirects));
  }

  /** Sanitized mode lives in the URL so a shared or reloaded link keeps it. */
  protected toggleSanitized(): void {
    void this.router.navigate([], {
      queryParams: { sanitized: this.sanitizer.enabled() ? null : 1 },
      queryParamsHandling: 'merge',
    });
  }

  protected signOut(): void {
    this.auth.signOut('manual');
  }
}

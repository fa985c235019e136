import type { Routes } from '@angular/router';

export const routes: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'overview' },
  {
    path: 'overview',
    title: 'Overview · MultiCodex',
    loadComponent: () => import('./overview/overview-page').then((m) => m.OverviewPage),
  },
  {
    path: 'accounts',
    title: 'Accounts · MultiCodex',
    loadComponent: () => import('./accounts/accounts-page').then((m) => m.AccountsPage),
  },
  {
    path: 'tracing',
    title: 'Tracing · MultiCodex',
    loadComponent: () => import('./tracing/tracing-page').then((m) => m.TracingPage),
  },
  {
    path: 'playground',
    title: 'Playground · MultiCodex',
    loadComponent: () => import('./playground/playground-page').then((m) => m.PlaygroundPage),
  },
  {
    path: 'docs',
    title: 'Docs · MultiCodex',
    loadComponent: () => import('./docs/docs-page').then((m) => m.DocsPage),
  },
  { path: '**', redirectTo: 'overview' },
];

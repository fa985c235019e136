import { Pipe, type PipeTransform, inject } from '@angular/core';
import { Sanitizer } from './sanitizer';

export type MaskKind = 'email' | 'id' | 'hint' | 'text';

/** `{{ account.email | mask: 'email' }}`; impure because sanitized mode can be toggled at runtime. */
@Pipe({ name: 'mask', pure: false })
export class MaskPipe implements PipeTransform {
  private readonly sanitizer = inject(Sanitizer);

  transform(value: string | null | undefined, kind: MaskKind = 'text'): string {
    switch (kind) {
      case 'email':
        return this.sanitizer.email(value);
      case 'id':
        return this.sanitizer.id(value);
      case 'hint':
        return this.sanitizer.hint(value);
      default:
        return this.sanitizer.text(value);
    }
  }
}

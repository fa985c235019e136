import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';

/** Query strings → numbers only when they look like one; anything else stays a string and fails @IsInt. */
export function toNumber({ value }: { value: unknown }): unknown {
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  return value;
}

/** `true`/`false`/`1`/`0` → boolean; anything else stays as is and fails @IsBoolean. */
export function toBoolean({ value }: { value: unknown }): unknown {
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  return value;
}

/** The decorated number must be ≥ the sibling `property` when both are present (e.g. untilMs ≥ sinceMs). */
export function IsNotBefore(property: string, options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isNotBefore',
      target: target.constructor,
      propertyName: String(propertyName),
      constraints: [property],
      options: { message: `${String(propertyName)} must not be before ${property}`, ...options },
      validator: {
        validate(value: unknown, args: ValidationArguments): boolean {
          const other = (args.object as Record<string, unknown>)[args.constraints[0] as string];
          return typeof value !== 'number' || typeof other !== 'number' || value >= other;
        },
      },
    });
  };
}

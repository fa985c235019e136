import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import type { CreateApiKeyRequest } from '@mcp/contracts';

export const MAX_ALLOWED_MODELS = 100;
export const MAX_RPM_LIMIT = 100_000;
// Printable text only: a name ends up in logs and in the dashboard.
const PRINTABLE = /^\P{Cc}*[^\p{Cc}\s]\P{Cc}*$/u;
const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._:/-]*$/;

export class CreateApiKeyDto implements CreateApiKeyRequest {
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(PRINTABLE, { message: 'name must be printable text and not blank' })
  name!: string;

  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  @ArrayMinSize(1, { message: 'allowedModels must list at least one model (omit it to allow every model)' })
  @ArrayMaxSize(MAX_ALLOWED_MODELS)
  @MaxLength(200, { each: true })
  @Matches(MODEL_ID, { each: true, message: 'each value in allowedModels must be a model id' })
  allowedModels?: string[];

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_RPM_LIMIT)
  rpmLimit?: number;
}

/** `null` clears allowedModels or rpmLimit; name and enabled, when present, must be real values. */
export class PatchApiKeyDto {
  @ValidateIf((_dto, value) => value !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(PRINTABLE, { message: 'name must be printable text and not blank' })
  name?: string;

  @ValidateIf((_dto, value) => value !== undefined)
  @IsBoolean()
  enabled?: boolean;

  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  @ArrayMinSize(1, { message: 'allowedModels must list at least one model (send null to allow every model)' })
  @ArrayMaxSize(MAX_ALLOWED_MODELS)
  @MaxLength(200, { each: true })
  @Matches(MODEL_ID, { each: true, message: 'each value in allowedModels must be a model id' })
  allowedModels?: string[] | null;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_RPM_LIMIT)
  rpmLimit?: number | null;
}

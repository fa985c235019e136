import { IsBoolean, IsEmail, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type { CreateAccountRequest, PatchAccountRequest } from '@mcp/contracts';

const MAX_TOKEN_LENGTH = 20_000;
const PRIORITY_RANGE = 1_000_000;

export class CreateAccountDto implements CreateAccountRequest {
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_TOKEN_LENGTH)
  accessToken!: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_TOKEN_LENGTH)
  refreshToken?: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_TOKEN_LENGTH)
  idToken?: string;

  @IsOptional()
  @IsEmail()
  email?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  label?: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  chatgptAccountId?: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  expiresAt?: number;

  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @IsOptional()
  @IsInt()
  @Min(-PRIORITY_RANGE)
  @Max(PRIORITY_RANGE)
  priority?: number;
}

export class PatchAccountDto implements PatchAccountRequest {
  @IsOptional()
  @IsString()
  @MaxLength(200)
  label?: string;

  @IsOptional()
  @IsEmail()
  email?: string;

  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @IsOptional()
  @IsInt()
  @Min(-PRIORITY_RANGE)
  @Max(PRIORITY_RANGE)
  priority?: number;
}

export class UnblockQueryDto {
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  model?: string;
}

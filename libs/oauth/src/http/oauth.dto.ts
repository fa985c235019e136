import { IsEmail, IsIn, IsNotEmpty, IsOptional, IsString, MaxLength, ValidateIf } from 'class-validator';
import type { OAuthCompleteRequest, OAuthMethod, OAuthStartRequest } from '@mcp/contracts';

const MAX_PASTE_LENGTH = 8_000;

export class OAuthStartDto implements OAuthStartRequest {
  @IsOptional()
  @IsEmail()
  email?: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  accountId?: string;

  @IsOptional()
  @IsIn(['browser', 'device'])
  method?: OAuthMethod;
}

export class OAuthCompleteDto implements OAuthCompleteRequest {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  flowId!: string;

  /** Whatever the person pasted; required unless the `callbackUrl` alias is given. */
  @ValidateIf((dto: OAuthCompleteDto) => dto.callbackUrl === undefined)
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_PASTE_LENGTH)
  input?: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_PASTE_LENGTH)
  callbackUrl?: string;
}

export class OAuthDevicePollDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  flowId!: string;
}

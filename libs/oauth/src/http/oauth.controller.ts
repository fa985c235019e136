import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { AdminGuard } from '@mcp/admin-auth';
import type {
  OAuthCompleteResponse,
  OAuthDevicePollResponse,
  OAuthStartResponse,
  OAuthStatusResponse,
} from '@mcp/contracts';
import { OAuthService } from '../oauth.service';
import { OAuthCompleteDto, OAuthDevicePollDto, OAuthStartDto } from './oauth.dto';

@Controller('admin/oauth')
@UseGuards(AdminGuard)
export class OAuthController {
  constructor(private readonly oauth: OAuthService) {}

  @Post('start')
  @HttpCode(200)
  start(@Body() dto: OAuthStartDto): Promise<OAuthStartResponse> {
    return this.oauth.start(dto);
  }

  @Get('status/:flowId')
  status(@Param('flowId') flowId: string): Promise<OAuthStatusResponse> {
    return this.oauth.status(flowId);
  }

  @Post('complete')
  @HttpCode(200)
  complete(@Body() dto: OAuthCompleteDto): Promise<OAuthCompleteResponse> {
    return this.oauth.complete(dto.flowId, dto.input ?? dto.callbackUrl ?? '');
  }

  @Post('device/poll')
  @HttpCode(200)
  poll(@Body() dto: OAuthDevicePollDto): Promise<OAuthDevicePollResponse> {
    return this.oauth.pollDevice(dto.flowId);
  }
}

import { Body, Controller, Delete, Get, HttpCode, Post, Req, Res, UnauthorizedException } from '@nestjs/common';
import type { Request, Response } from 'express';
import { IsString, MaxLength } from 'class-validator';
import type { SessionStatusResponse } from '@mcp/contracts';
import { AdminGuard } from './admin.guard';
import { AdminTokenService } from './admin-token.service';
import { ADMIN_COOKIE } from './request-credentials';

export class CreateSessionDto {
  @IsString()
  @MaxLength(512)
  token!: string;
}

/** Dashboard sign-in: trades the admin token for an HttpOnly cookie (PROTOCOL.md §11.1). */
@Controller('admin/session')
export class AdminSessionController {
  constructor(
    private readonly tokens: AdminTokenService,
    private readonly guard: AdminGuard,
  ) {}

  @Get()
  status(@Req() request: Request): SessionStatusResponse {
    return { authenticated: this.guard.isAuthenticated(request) };
  }

  @Post()
  @HttpCode(200)
  create(
    @Body() body: CreateSessionDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): SessionStatusResponse {
    if (!this.tokens.matches(body.token)) throw new UnauthorizedException('Invalid admin token');
    response.cookie(ADMIN_COOKIE, this.tokens.sessionValue(), {
      httpOnly: true,
      sameSite: 'strict',
      secure: request.secure,
      path: '/',
    });
    return { authenticated: true };
  }

  @Delete()
  remove(@Res({ passthrough: true }) response: Response): SessionStatusResponse {
    response.clearCookie(ADMIN_COOKIE, { path: '/' });
    return { authenticated: false };
  }
}

import { Body, Controller, Delete, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { IsString, MaxLength } from 'class-validator';
import type { SessionStatusResponse } from '@mcp/contracts';
import { SessionService } from './session.service';

export class CreateSessionDto {
  @IsString()
  @MaxLength(512)
  token!: string;
}

/** Dashboard sign-in: trades the admin token for an HttpOnly cookie (PROTOCOL.md §11.1). */
@Controller('admin/session')
export class AdminSessionController {
  constructor(private readonly sessions: SessionService) {}

  @Get()
  status(@Req() request: Request): SessionStatusResponse {
    return this.sessions.status(request);
  }

  @Post()
  @HttpCode(200)
  create(
    @Body() body: CreateSessionDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): SessionStatusResponse {
    const cookie = this.sessions.signIn(body.token, request);
    response.cookie(cookie.name, cookie.value, cookie.options);
    return { authenticated: true };
  }

  @Delete()
  remove(@Res({ passthrough: true }) response: Response): SessionStatusResponse {
    const cookie = this.sessions.signOut();
    response.clearCookie(cookie.name, cookie.options);
    return { authenticated: false };
  }
}

import { Transform } from 'class-transformer';
import { IsInt, IsNotEmpty, IsOptional, IsString, Max, Min } from 'class-validator';
import { IsNotBefore, toNumber } from './query-transforms';

const MAX_BUCKET_MS = 366 * 86_400_000;

/** Filters shared by the stats routes and the traces listing (PROTOCOL.md §11.4, §11.5). */
export class TimeRangeQueryDto {
  @IsOptional()
  @Transform(toNumber)
  @IsInt()
  @Min(0)
  sinceMs?: number;

  @IsOptional()
  @Transform(toNumber)
  @IsInt()
  @Min(0)
  @IsNotBefore('sinceMs')
  untilMs?: number;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  accountId?: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  route?: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  model?: string;
}

export class StatsQueryDto extends TimeRangeQueryDto {
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  clientKeyId?: string;
}

export class TraceStatsQueryDto extends StatsQueryDto {
  @IsOptional()
  @Transform(toNumber)
  @IsInt()
  @Min(1000)
  @Max(MAX_BUCKET_MS)
  bucketMs?: number;
}

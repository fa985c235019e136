import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';
import { toBoolean, toNumber } from './query-transforms';
import { TimeRangeQueryDto } from './stats-query.dto';

/** Filters of the traces listing and export (PROTOCOL.md §11.4). */
export class TraceFilterQueryDto extends TimeRangeQueryDto {
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  isError?: boolean;

  @IsOptional()
  @Transform(toNumber)
  @IsInt()
  @Min(100)
  @Max(599)
  status?: number;
}

/** `page`/`pageSize` (paginated, the default) or `limit` alone (legacy). */
export class TracesQueryDto extends TraceFilterQueryDto {
  @IsOptional()
  @Transform(toNumber)
  @IsInt()
  @Min(1)
  page?: number;

  @IsOptional()
  @Transform(toNumber)
  @IsInt()
  @Min(1)
  @Max(100)
  pageSize?: number;

  /** Legacy mode; clamped to 1–1000 rather than refused. */
  @IsOptional()
  @Transform(toNumber)
  @IsInt()
  limit?: number;
}

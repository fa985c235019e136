import { BadRequestException, NotFoundException } from '@nestjs/common';

// These extend Nest's HTTP exceptions so the admin API renders them in Nest's shape without a custom mapping.

export class ApiKeyNotFoundError extends NotFoundException {
  constructor(id: string) {
    super(`Client key '${id.slice(0, 80)}' not found`);
  }
}

export class ApiKeyReadOnlyError extends BadRequestException {
  constructor(id: string) {
    super(
      `Client key '${id}' is defined by PROXY_API_KEYS: change the environment variable and restart to edit or remove it`,
    );
  }
}

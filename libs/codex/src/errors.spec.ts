import { ClientRequestError } from './errors';

describe('ClientRequestError', () => {
  it('defaults to a 400 invalid_request_error without param', () => {
    const error = new ClientRequestError('bad');
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      status: 400,
      code: 'invalid_request_error',
      param: null,
      type: 'invalid_request_error',
      message: 'bad',
    });
  });

  it('keeps the status, code and param it is given, including an explicit null code', () => {
    expect(new ClientRequestError('x', { status: 413, code: 'payload_too_large', param: 'body' })).toMatchObject({
      status: 413,
      code: 'payload_too_large',
      param: 'body',
    });
    expect(new ClientRequestError('x', { code: null }).code).toBeNull();
  });
});

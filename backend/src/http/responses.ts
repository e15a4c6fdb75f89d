import { Problem } from '@testbridge/shared';

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: Problem } },
});

/** The error answers every authenticated JSON route can give, for the OpenAPI document. */
export const problemResponses = {
  400: problem('The request is not valid; `invalidFields` names each bad field'),
  401: problem('No API key, or an unknown or revoked one'),
  403: problem("The API key's role may not do this"),
} as const;

export const jsonContent = <T>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

export const jsonBody = <T>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
});

export { problem as problemResponse };

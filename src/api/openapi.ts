import { MAX_RATE } from '../workload/limits.js';
import { backlogSchema, controllerSchema } from './schemas.js';

const error = { $ref: '#/components/schemas/Error' };
const json = (schema: object) => ({ 'application/json': { schema } });
const ok = (description: string, schema: object = { type: 'object' }) => ({
  description,
  content: json(schema),
});
const bad = { description: 'bad input; nothing changed', content: json(error) };
const tooLarge = {
  description: 'the body is larger than http.bodyLimitBytes; nothing changed',
  content: json(error),
};
const unauthorized = {
  description: 'missing or wrong bearer token (when api.token is set)',
  content: json(error),
};

/** The HTTP API (docs/architecture.md "HTTP API") as OpenAPI 3.0. */
export function openApiDocument(version: string): Record<string, unknown> {
  const mutating = { security: [{ bearer: [] }] };
  const handBack = {
    200: ok('{"profile": progress through the profile: stepIndex, stepName, pass, profileRate, overridden}'),
    400: { description: 'a body was sent; nothing changed', content: json(error) },
    401: unauthorized,
    409: { description: 'the workload has no rateProfile', content: json(error) },
  };
  return {
    openapi: '3.0.3',
    info: {
      title: 'soakbench daemon API',
      version,
      description: 'Control and observe a running soakbench daemon.',
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Error: {
          type: 'object',
          required: ['error', 'message'],
          properties: { error: { type: 'string' }, message: { type: 'string' }, field: { type: 'string' } },
        },
        Controller: controllerSchema,
      },
    },
    paths: {
      '/metrics': {
        get: {
          summary: 'Prometheus metrics',
          responses: { 200: { description: 'text format 0.0.4', content: { 'text/plain': {} } } },
        },
      },
      '/healthz': {
        get: { summary: 'alive and its loops turn', responses: { 200: ok('healthy'), 503: ok('unhealthy') } },
      },
      '/readyz': {
        get: {
          summary: 'connected and producing (or paused on purpose)',
          responses: { 200: ok('ready'), 503: ok('not ready, with the reason') },
        },
      },
      '/status': {
        get: {
          summary:
            "state, workload, rates, controller, totals, uptime, last errors; a fleet member adds `fleet`: the desired state, every member's share, rates and counts, the fleet's totals",
          responses: { 200: ok('status') },
        },
      },
      '/rate': {
        put: {
          ...mutating,
          summary:
            "set a fixed rate (msg/s) for the whole daemon; switches the controller to fixed; overrides the workload's rateProfile until PUT /profile or DELETE /rate. On a fleet member: the fleet's total rate, written to the fleet's control topic (each member runs its share); 409 while the member has not joined, 503 when the control topic cannot be written",
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  oneOf: [
                    { type: 'number', exclusiveMinimum: 0, maximum: MAX_RATE },
                    {
                      type: 'object',
                      required: ['rate'],
                      properties: { rate: { type: 'number', exclusiveMinimum: 0, maximum: MAX_RATE } },
                      additionalProperties: false,
                    },
                  ],
                },
              },
              'text/plain': { schema: { type: 'string', example: '5000' } },
              'application/x-www-form-urlencoded': { schema: { type: 'string', example: '{"rate":5000}' } },
            },
          },
          responses: { 200: ok('the new rate'), 400: bad, 401: unauthorized, 413: tooLarge },
        },
        delete: {
          ...mutating,
          summary: "hand the rate back to the workload's rateProfile (the same as PUT /profile)",
          responses: handBack,
        },
      },
      '/profile': {
        put: {
          ...mutating,
          summary:
            "hand the rate back to the workload's rateProfile after PUT /rate; no body (change the profile with PUT /workload)",
          responses: handBack,
        },
      },
      '/controller': {
        get: {
          summary:
            "controller settings and state; a fleet member adds `fleet`: the fleet's mode, rate and leader (the leader of an adaptive fleet: its controller's state)",
          responses: { 200: ok('controller') },
        },
        put: {
          ...mutating,
          summary:
            "switch mode, set the SLO and the rate bounds; on a fleet member: the fleet's, written to its control topic (in adaptive mode the member that leads runs the controller on every member's samples)",
          requestBody: { required: true, content: json({ $ref: '#/components/schemas/Controller' }) },
          responses: {
            200: ok('controller'),
            400: bad,
            401: unauthorized,
            413: tooLarge,
            409: { description: 'refused in this state', content: json(error) },
          },
        },
      },
      '/workload': {
        put: {
          ...mutating,
          summary: 'replace the running workload (OMB workload, JSON or YAML) without restarting',
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: { type: 'object' } },
              'application/yaml': { schema: { type: 'string' } },
            },
          },
          responses: {
            200: ok('the new workload is running'),
            400: bad,
            401: unauthorized,
            413: tooLarge,
            409: { description: 'a swap is already under way', content: json(error) },
          },
        },
      },
      '/backlog': {
        post: {
          ...mutating,
          summary:
            "OMB's backlog mode on the running workload: consumers paused until the backlog (all subscriptions) reaches the size, then resumed and the drain timed; give sizeBytes or sizeGB (GiB), drainRatio defaults to the workload's backlogDrainRatio; /status shows progress and the last result",
          requestBody: { required: true, content: json(backlogSchema) },
          responses: {
            202: ok('started; the backlog action as /status shows it'),
            400: bad,
            401: unauthorized,
            413: tooLarge,
            409: {
              description: 'one is under way, the daemon is paused or not running, or nothing consumes',
              content: json(error),
            },
          },
        },
      },
      '/pause': {
        post: {
          ...mutating,
          summary: 'stop producing (consumers keep draining)',
          responses: { 200: ok('paused'), 401: unauthorized, 413: tooLarge },
        },
      },
      '/resume': {
        post: {
          ...mutating,
          summary: 'produce again',
          responses: { 200: ok('resumed'), 401: unauthorized, 413: tooLarge },
        },
      },
      '/results': {
        get: { summary: 'OMB result JSON of the current run so far', responses: { 200: ok('TestResult') } },
      },
      '/openapi.json': { get: { summary: 'this document', responses: { 200: ok('OpenAPI 3') } } },
    },
  };
}

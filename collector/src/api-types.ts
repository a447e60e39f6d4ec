/** Types of the query API's responses, shared with the dashboard's typed client. */
export interface HealthResponse {
  status: 'ok' | 'degraded';
}

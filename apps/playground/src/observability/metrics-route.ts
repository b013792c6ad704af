import type { RouteHandler } from '../server/http-io.js';
import type { GatewayMetrics } from './gateway-metrics.js';

/** `GET /metrics`: the gateway's metrics in Prometheus' text format, for a scraper. */
export function metricsRoute(metrics: GatewayMetrics): RouteHandler {
  return async (request, response, url) => {
    if (url.pathname !== '/metrics') return false;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' });
      response.end('Method not allowed\n');
      return true;
    }
    const { text, contentType } = await metrics.exposition();
    response.writeHead(200, {
      'content-type': contentType,
      'content-length': Buffer.byteLength(text),
      'cache-control': 'no-store',
    });
    response.end(request.method === 'HEAD' ? undefined : text);
    return true;
  };
}

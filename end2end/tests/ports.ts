// The loopback ports of the servers the browser tests start (see playwright.config.ts).
const base = Number(process.env.E2E_PORT ?? 3197);

export const ports = {
  /// The server under test, serving the app and the API on one origin.
  hub: base,
  /// The local stand-in for the public data sources.
  sources: base - 1,
  /// A static host serving the built app on an origin of its own...
  spa: base + 1,
  /// ...which calls this second server's API across origins.
  splitApi: base + 2,
};

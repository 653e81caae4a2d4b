// The REST proxy several Liaison instances share one bot token's rate limits through:
// @discordjs/proxy over @discordjs/rest, listening on loopback. The integration test in this
// directory starts it in front of the fake Discord; an operator runs the same few lines in
// front of discord.com (see the README's operator section).
//
//   LIAISON_PROXY_UPSTREAM  Discord's API root without the version (default https://discord.com/api)
//   LIAISON_PROXY_PORT      port to listen on, 127.0.0.1 only (default 0: any free port)
//   LIAISON_PROXY_GLOBAL    global requests per second across every instance (default 50)
//
// It prints "listening PORT" once it accepts requests.
import { createServer } from 'node:http';
import { REST } from '@discordjs/rest';
import { proxyRequests } from '@discordjs/proxy';

const rest = new REST({
  api: process.env.LIAISON_PROXY_UPSTREAM || 'https://discord.com/api',
  // Liaison speaks v9; the proxy strips the version from the path and adds this one.
  version: '9',
  globalRequestsPerSecond: Number(process.env.LIAISON_PROXY_GLOBAL || 50),
  // Each instance's own Authorization header is forwarded (auth: false in proxyRequests).
});
const proxy = proxyRequests(rest);
// A client that gives up on a queued request (its attempt timed out) must not bring the proxy
// down with it: proxyRequests rethrows what it cannot map to an answer.
const server = createServer(async (req, res) => {
  try {
    await proxy(req, res);
  } catch (err) {
    if (!res.headersSent) res.statusCode = 502;
    res.end();
  }
});
server.listen(Number(process.env.LIAISON_PROXY_PORT || 0), '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)));
process.on('uncaughtException', (err) => console.error('proxy:', err.message));
